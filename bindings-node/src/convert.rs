//! JS values → core `Value`, through raw Node-API calls so nothing is lost on
//! the way: strings are read as UTF-16 (the UTF-8 getter would hide lone
//! surrogates behind U+FFFD), BigInts as words, holes and prototypes checked.

use napi::{Env, sys};
use tooltrail_json::{CanonError, ErrorKind, Value, check_depth, check_float, check_integer};

// The reverse direction lives in its own module; gateway.rs imports it from here.
pub use crate::to_js::to_js;

mod shape;
use shape::Shape;

use crate::napi_raw::{CallFailed, RawEnv};

/// Why a conversion stopped: a policy error, or a JS exception (a throwing
/// getter or Proxy trap) that is already pending in the environment.
pub enum Fail {
    /// The value is out of policy.
    Canon(CanonError),
    /// A Node-API call failed; the JS exception is pending.
    Js(napi::Error),
}

impl From<CanonError> for Fail {
    fn from(e: CanonError) -> Self {
        Fail::Canon(e)
    }
}

impl From<CallFailed> for Fail {
    fn from(CallFailed(status): CallFailed) -> Self {
        if status == sys::Status::napi_pending_exception {
            Fail::Js(napi::Error::from_status(napi::Status::PendingException))
        } else {
            Fail::Js(napi::Error::new(
                napi::Status::from(status),
                "Node-API call failed while reading a value",
            ))
        }
    }
}

fn unsupported(what: impl std::fmt::Display) -> Fail {
    Fail::Canon(CanonError::new(
        ErrorKind::UnsupportedType,
        format!("{what} has no JSON form; convert it explicitly"),
    ))
}

/// Arrays longer than this are not preallocated: a length is untrusted
/// (`new Array(2 ** 32 - 1)` is one hole and four billion slots of length).
const PREALLOC_LIMIT: usize = 1024;

/// UTF-16 units read on the stack before falling back to the heap.
const INLINE_UNITS: usize = 128;

/// A converter bound to one environment, caching the intrinsics it compares
/// against or calls.
pub struct Converter {
    env: RawEnv,
    object_proto: sys::napi_value,
    /// `Object.getPrototypeOf` and `Array.isArray`, looked up on first use:
    /// only proxies need them, and a lookup by name interns the name, which
    /// cost more than the rest of a small conversion (one runs per call).
    proxy_intrinsics: std::cell::OnceCell<(sys::napi_value, sys::napi_value)>,
}

impl Converter {
    /// A converter for the values of `env`, the current call's environment
    /// (every value passed to its methods must belong to it: see
    /// `napi_raw`).
    pub fn new(env: &Env) -> Result<Self, Fail> {
        let env = RawEnv::of(env);
        // Object.prototype, as the prototype of a fresh object: no name lookups.
        let object_proto = env.get_prototype(env.create_object()?)?;
        Ok(Self {
            env,
            object_proto,
            proxy_intrinsics: std::cell::OnceCell::new(),
        })
    }

    /// `(Object.getPrototypeOf, Array.isArray)`.
    pub(crate) fn proxy_intrinsics(&self) -> Result<(sys::napi_value, sys::napi_value), Fail> {
        if let Some(pair) = self.proxy_intrinsics.get() {
            return Ok(*pair);
        }
        let env = self.env;
        let global = env.get_global()?;
        let get = |from, name: &std::ffi::CStr| env.get_named_property(from, name);
        let pair = (
            get(get(global, c"Object")?, c"getPrototypeOf")?,
            get(get(global, c"Array")?, c"isArray")?,
        );
        Ok(*self.proxy_intrinsics.get_or_init(|| pair))
    }

    /// Converts `v` (any JS value of this converter's environment) under
    /// the canonical-JSON rules.
    pub fn value(&self, v: sys::napi_value) -> Result<Value, Fail> {
        self.convert(v, 0)
    }

    fn type_of(&self, v: sys::napi_value) -> Result<sys::napi_valuetype, Fail> {
        Ok(self.env.type_of(v)?)
    }

    /// A JS string's UTF-16 units as a Rust string; unpaired surrogates are
    /// reported instead of being replaced. `v` must be a string of this
    /// converter's environment.
    pub fn string(&self, v: sys::napi_value) -> Result<String, Fail> {
        // Most strings (keys, short values) fit on the stack: one Node-API
        // call instead of two (length, then copy). The buffer size counts a
        // terminating NUL, so a string that fills it may have been cut short.
        let mut inline = [0u16; INLINE_UNITS];
        let written = self.env.get_value_string_utf16(v, &mut inline)?;
        let mut heap = Vec::new();
        let units = if written < INLINE_UNITS - 1 {
            &inline[..written]
        } else {
            let len = self.env.string_utf16_len(v)?;
            heap.resize(len + 1, 0u16);
            let written = self.env.get_value_string_utf16(v, &mut heap)?;
            &heap[..written]
        };
        // ASCII (ids, keys, most values): one byte per unit, no decoding.
        if units.iter().all(|&u| u < 0x80) {
            return Ok(units.iter().map(|&u| char::from(u as u8)).collect());
        }
        String::from_utf16(units).map_err(|_| {
            Fail::Canon(CanonError::new(
                ErrorKind::LoneSurrogate,
                "string holds an unpaired surrogate (not valid Unicode)",
            ))
        })
    }

    fn convert(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        self.convert_typed(v, self.type_of(v)?, depth)
    }

    /// `convert` when the caller already knows `typeof v` (one call saved
    /// per member and element).
    fn convert_typed(
        &self,
        v: sys::napi_value,
        t: sys::napi_valuetype,
        depth: usize,
    ) -> Result<Value, Fail> {
        let env = self.env;
        match t {
            sys::ValueType::napi_null => Ok(Value::Null),
            sys::ValueType::napi_boolean => Ok(Value::Bool(env.get_value_bool(v)?)),
            sys::ValueType::napi_number => {
                Ok(Value::Number(check_float(env.get_value_double(v)?)?))
            }
            sys::ValueType::napi_string => Ok(Value::String(self.string(v)?)),
            sys::ValueType::napi_bigint => Ok(Value::Number(self.bigint(v)?)),
            sys::ValueType::napi_object => self.object(v, depth),
            sys::ValueType::napi_undefined => Err(unsupported("undefined")),
            sys::ValueType::napi_symbol => Err(unsupported("a symbol")),
            sys::ValueType::napi_function => Err(unsupported("a function")),
            other => Err(unsupported(format!("a value of Node-API type {other}"))),
        }
    }

    fn bigint(&self, v: sys::napi_value) -> Result<f64, Fail> {
        // With sign and words both NULL, Node-API only reports the word count.
        if self.env.bigint_word_count(v)? > 1 {
            return Err(CanonError::new(
                ErrorKind::IntegerOutOfRange,
                "BigInt is outside ±(2^53-1)",
            )
            .into());
        }
        let mut words = [0u64; 1];
        let (sign, _) = self.env.bigint_words(v, &mut words)?;
        let magnitude = i128::from(words[0]);
        Ok(check_integer(if sign != 0 {
            -magnitude
        } else {
            magnitude
        })?)
    }

    fn object(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        match self.shape(v)? {
            Shape::Array(len) => {
                check_depth(depth)?;
                return self.array(v, len, depth);
            }
            Shape::Plain => check_depth(depth)?,
            Shape::Other => return Err(unsupported(self.constructor_name(v))),
        }
        let keys = env.get_all_property_names(
            v,
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
        )?;
        let len = env.get_array_length(keys)?;
        let mut members = Vec::with_capacity(len as usize);
        for i in 0..len {
            let key = env.get_element(keys, i)?;
            let name = self.string(key)?;
            let item = env.get_property(v, key)?;
            // Members holding undefined are omitted, as JSON.stringify does.
            let t = self.type_of(item)?;
            if t == sys::ValueType::napi_undefined {
                continue;
            }
            let value = self
                .convert_typed(item, t, depth + 1)
                .map_err(|f| within(f, |e| e.within_key(&name)))?;
            members.push((name, value));
        }
        Ok(Value::Object(members))
    }

    /// Elements of an array (or a Proxy of one) of length `len`.
    fn array(&self, v: sys::napi_value, len: u32, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        let mut items = Vec::with_capacity((len as usize).min(PREALLOC_LIMIT));
        for i in 0..len {
            let item = env.get_element(v, i)?;
            let t = self.type_of(item)?;
            // Both a hole and an undefined element are errors; only then is
            // it worth a second call to say which.
            if t == sys::ValueType::napi_undefined {
                let what = if env.has_element(v, i)? {
                    "undefined"
                } else {
                    "an array hole"
                };
                return Err(within(unsupported(what), |e| e.within_index(i as usize)));
            }
            let value = self
                .convert_typed(item, t, depth + 1)
                .map_err(|f| within(f, |e| e.within_index(i as usize)))?;
            items.push(value);
        }
        Ok(Value::Array(items))
    }

    /// `value.constructor.name`, for error messages ("Map", "Date", …).
    fn constructor_name(&self, v: sys::napi_value) -> String {
        let env = self.env;
        let name = env
            .get_named_property(v, c"constructor")
            .ok()
            .filter(|ctor| self.type_of(*ctor).ok() == Some(sys::ValueType::napi_function))
            .and_then(|ctor| env.get_named_property(ctor, c"name").ok())
            .filter(|name| self.type_of(*name).ok() == Some(sys::ValueType::napi_string));
        match name.map(|name| self.string(name)) {
            Some(Ok(n)) if !n.is_empty() => format!("an instance of {n}"),
            _ => "an object with a custom prototype".into(),
        }
    }
}

fn within(f: Fail, wrap: impl FnOnce(CanonError) -> CanonError) -> Fail {
    match f {
        Fail::Canon(e) => Fail::Canon(wrap(e)),
        js @ Fail::Js(_) => js,
    }
}
