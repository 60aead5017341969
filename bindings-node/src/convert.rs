//! JS values → core `Value`, through raw Node-API calls so nothing is lost on
//! the way: strings are read as UTF-16 (the UTF-8 getter would hide lone
//! surrogates behind U+FFFD), BigInts as words, holes and prototypes checked.

use std::ptr;

use napi::sys;
use tooltrail_core::{CanonError, ErrorKind, Value, check_depth, check_float, check_integer};

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

fn check(status: sys::napi_status) -> Result<(), Fail> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else if status == sys::Status::napi_pending_exception {
        Err(Fail::Js(napi::Error::from_status(
            napi::Status::PendingException,
        )))
    } else {
        Err(Fail::Js(napi::Error::new(
            napi::Status::from(status),
            "Node-API call failed while reading a value",
        )))
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

/// What an object is, as far as canonical JSON is concerned.
enum Shape {
    /// An array (or a Proxy of one) of this length.
    Array(u32),
    /// A plain object: its prototype is `Object.prototype` (of any realm) or null.
    Plain,
    /// Anything else (Map, Date, class instance, boxed primitive, …).
    Other,
}

/// A converter bound to one environment, caching the intrinsics it compares
/// against or calls.
pub struct Converter {
    env: sys::napi_env,
    object_proto: sys::napi_value,
    get_prototype_of: sys::napi_value,
    is_array: sys::napi_value,
}

impl Converter {
    /// # Safety
    /// `env` must be the live environment of the current call.
    pub unsafe fn new(env: sys::napi_env) -> Result<Self, Fail> {
        let mut global = ptr::null_mut();
        check(unsafe { sys::napi_get_global(env, &mut global) })?;
        let get = |from, name: &std::ffi::CStr| {
            let mut out = ptr::null_mut();
            check(unsafe { sys::napi_get_named_property(env, from, name.as_ptr(), &mut out) })
                .map(|()| out)
        };
        let object = get(global, c"Object")?;
        let array = get(global, c"Array")?;
        Ok(Self {
            env,
            object_proto: get(object, c"prototype")?,
            get_prototype_of: get(object, c"getPrototypeOf")?,
            is_array: get(array, c"isArray")?,
        })
    }

    /// Converts `v` (any JS value) under the SPEC §3 rules.
    ///
    /// # Safety
    /// `v` must belong to this converter's environment.
    pub unsafe fn value(&self, v: sys::napi_value) -> Result<Value, Fail> {
        unsafe { self.convert(v, 0) }
    }

    unsafe fn type_of(&self, v: sys::napi_value) -> Result<sys::napi_valuetype, Fail> {
        let mut t = 0;
        check(unsafe { sys::napi_typeof(self.env, v, &mut t) })?;
        Ok(t)
    }

    /// A JS string's UTF-16 units as a Rust string; unpaired surrogates are
    /// reported instead of being replaced.
    ///
    /// # Safety
    /// `v` must be a string of this environment.
    pub unsafe fn string(&self, v: sys::napi_value) -> Result<String, Fail> {
        let mut len = 0;
        check(unsafe {
            sys::napi_get_value_string_utf16(self.env, v, ptr::null_mut(), 0, &mut len)
        })?;
        let mut units = vec![0u16; len + 1];
        let mut written = 0;
        check(unsafe {
            sys::napi_get_value_string_utf16(self.env, v, units.as_mut_ptr(), len + 1, &mut written)
        })?;
        units.truncate(written);
        String::from_utf16(&units).map_err(|_| {
            Fail::Canon(CanonError::new(
                ErrorKind::LoneSurrogate,
                "string holds an unpaired surrogate (not valid Unicode)",
            ))
        })
    }

    unsafe fn convert(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        match unsafe { self.type_of(v)? } {
            sys::ValueType::napi_null => Ok(Value::Null),
            sys::ValueType::napi_boolean => {
                let mut b = false;
                check(unsafe { sys::napi_get_value_bool(env, v, &mut b) })?;
                Ok(Value::Bool(b))
            }
            sys::ValueType::napi_number => {
                let mut f = 0.0;
                check(unsafe { sys::napi_get_value_double(env, v, &mut f) })?;
                Ok(Value::Number(check_float(f)?))
            }
            sys::ValueType::napi_string => Ok(Value::String(unsafe { self.string(v)? })),
            sys::ValueType::napi_bigint => Ok(Value::Number(unsafe { self.bigint(v)? })),
            sys::ValueType::napi_object => unsafe { self.object(v, depth) },
            sys::ValueType::napi_undefined => Err(unsupported("undefined")),
            sys::ValueType::napi_symbol => Err(unsupported("a symbol")),
            sys::ValueType::napi_function => Err(unsupported("a function")),
            other => Err(unsupported(format!("a value of Node-API type {other}"))),
        }
    }

    unsafe fn bigint(&self, v: sys::napi_value) -> Result<f64, Fail> {
        // With sign and words both NULL, Node-API only reports the word count.
        let mut count = 0usize;
        let mut sign = 0i32;
        check(unsafe {
            sys::napi_get_value_bigint_words(
                self.env,
                v,
                ptr::null_mut(),
                &mut count,
                ptr::null_mut(),
            )
        })?;
        if count > 1 {
            return Err(CanonError::new(
                ErrorKind::IntegerOutOfRange,
                "BigInt is outside ±(2^53-1)",
            )
            .into());
        }
        let mut words = [0u64; 1];
        count = 1;
        check(unsafe {
            sys::napi_get_value_bigint_words(self.env, v, &mut sign, &mut count, words.as_mut_ptr())
        })?;
        let magnitude = i128::from(words[0]);
        Ok(check_integer(if sign != 0 {
            -magnitude
        } else {
            magnitude
        })?)
    }

    unsafe fn object(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        let mut is_array = false;
        check(unsafe { sys::napi_is_array(env, v, &mut is_array) })?;
        if is_array {
            check_depth(depth)?;
            return unsafe { self.array(v, depth) };
        }
        let mut proto = ptr::null_mut();
        check(unsafe { sys::napi_get_prototype(env, v, &mut proto) })?;
        let mut plain = false;
        check(unsafe { sys::napi_strict_equals(env, proto, self.object_proto, &mut plain) })?;
        if !plain && unsafe { self.type_of(proto)? } != sys::ValueType::napi_null {
            return Err(unsupported(unsafe { self.constructor_name(v) }));
        }
        check_depth(depth)?;
        let mut keys = ptr::null_mut();
        check(unsafe {
            sys::napi_get_all_property_names(
                env,
                v,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        })?;
        let mut len = 0u32;
        check(unsafe { sys::napi_get_array_length(env, keys, &mut len) })?;
        let mut members = Vec::with_capacity(len as usize);
        for i in 0..len {
            let mut key = ptr::null_mut();
            check(unsafe { sys::napi_get_element(env, keys, i, &mut key) })?;
            let name = unsafe { self.string(key)? };
            let mut item = ptr::null_mut();
            check(unsafe { sys::napi_get_property(env, v, key, &mut item) })?;
            // Members holding undefined are omitted, as JSON.stringify does.
            if unsafe { self.type_of(item)? } == sys::ValueType::napi_undefined {
                continue;
            }
            let value = unsafe { self.convert(item, depth + 1) }
                .map_err(|f| within(f, |e| e.within_key(&name)))?;
            members.push((name, value));
        }
        Ok(Value::Object(members))
    }

    unsafe fn array(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        let mut len = 0u32;
        check(unsafe { sys::napi_get_array_length(env, v, &mut len) })?;
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let mut present = false;
            check(unsafe { sys::napi_has_element(env, v, i, &mut present) })?;
            if !present {
                return Err(within(unsupported("an array hole"), |e| {
                    e.within_index(i as usize)
                }));
            }
            let mut item = ptr::null_mut();
            check(unsafe { sys::napi_get_element(env, v, i, &mut item) })?;
            let value = unsafe { self.convert(item, depth + 1) }
                .map_err(|f| within(f, |e| e.within_index(i as usize)))?;
            items.push(value);
        }
        Ok(Value::Array(items))
    }

    /// `value.constructor.name`, for error messages ("Map", "Date", …).
    unsafe fn constructor_name(&self, v: sys::napi_value) -> String {
        let env = self.env;
        let mut ctor = ptr::null_mut();
        let mut name = ptr::null_mut();
        let found = unsafe {
            sys::napi_get_named_property(env, v, c"constructor".as_ptr(), &mut ctor)
                == sys::Status::napi_ok
                && self.type_of(ctor).ok() == Some(sys::ValueType::napi_function)
                && sys::napi_get_named_property(env, ctor, c"name".as_ptr(), &mut name)
                    == sys::Status::napi_ok
                && self.type_of(name).ok() == Some(sys::ValueType::napi_string)
        };
        match found.then(|| unsafe { self.string(name) }) {
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

/// Core `Value` → JS value (events for loggers written in JS).
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn to_js(env: sys::napi_env, v: &Value) -> Result<sys::napi_value, Fail> {
    let mut out = ptr::null_mut();
    unsafe {
        match v {
            Value::Null => check(sys::napi_get_null(env, &mut out))?,
            Value::Bool(b) => check(sys::napi_get_boolean(env, *b, &mut out))?,
            Value::Number(n) => check(sys::napi_create_double(env, *n, &mut out))?,
            Value::String(s) => check(sys::napi_create_string_utf8(
                env,
                s.as_ptr().cast(),
                s.len() as isize,
                &mut out,
            ))?,
            Value::Array(items) => {
                check(sys::napi_create_array_with_length(
                    env,
                    items.len(),
                    &mut out,
                ))?;
                for (i, item) in items.iter().enumerate() {
                    check(sys::napi_set_element(env, out, i as u32, to_js(env, item)?))?;
                }
            }
            Value::Object(members) => {
                check(sys::napi_create_object(env, &mut out))?;
                for (k, item) in members {
                    let mut key = ptr::null_mut();
                    check(sys::napi_create_string_utf8(
                        env,
                        k.as_ptr().cast(),
                        k.len() as isize,
                        &mut key,
                    ))?;
                    check(sys::napi_set_property(env, out, key, to_js(env, item)?))?;
                }
            }
        }
    }
    Ok(out)
}
