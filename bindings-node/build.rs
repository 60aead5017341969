//! Build script: links the addon the way Node-API expects.
fn main() {
    napi_build::setup();
}
