//! The `tooltrail` incident CLI (see `tooltrail help`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = tooltrail_cli::run(&args, &mut std::io::stdin(), &mut std::io::stdout());
    std::process::exit(code);
}
