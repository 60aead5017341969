//! JS values → core `Value`, through raw Node-API calls so nothing is lost on
//! the way: strings are read as UTF-16 (the UTF-8 getter would hide lone
//! surrogates behind U+FFFD), BigInts as words, holes and prototypes checked.

use std::ptr;

use napi::sys;
use tooltrail_json::{CanonError, ErrorKind, Value, check_depth, check_float, check_integer};

// The reverse direction lives in its own module; gateway.rs imports it from here.
pub use crate::to_js::to_js;

mod shape;
use shape::Shape;

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

pub(crate) fn check(status: sys::napi_status) -> Result<(), Fail> {
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

/// UTF-16 units read on the stack before falling back to the heap.
const INLINE_UNITS: usize = 128;

/// A converter bound to one environment, caching the intrinsics it compares
/// against or calls.
pub struct Converter {
    env: sys::napi_env,
    object_proto: sys::napi_value,
    /// `Object.getPrototypeOf` and `Array.isArray`, looked up on first use:
    /// only proxies need them, and a lookup by name interns the name, which
    /// cost more than the rest of a small conversion (one runs per call).
    proxy_intrinsics: std::cell::OnceCell<(sys::napi_value, sys::napi_value)>,
}

impl Converter {
    /// # Safety
    /// `env` must be the live environment of the current call.
    pub unsafe fn new(env: sys::napi_env) -> Result<Self, Fail> {
        // Object.prototype, as the prototype of a fresh object: no name lookups.
        let (mut object, mut object_proto) = (ptr::null_mut(), ptr::null_mut());
        check(unsafe { sys::napi_create_object(env, &mut object) })?;
        check(unsafe { sys::napi_get_prototype(env, object, &mut object_proto) })?;
        Ok(Self {
            env,
            object_proto,
            proxy_intrinsics: std::cell::OnceCell::new(),
        })
    }

    /// `(Object.getPrototypeOf, Array.isArray)`.
    ///
    /// # Safety
    /// Called within this converter's environment.
    pub(crate) unsafe fn proxy_intrinsics(
        &self,
    ) -> Result<(sys::napi_value, sys::napi_value), Fail> {
        if let Some(pair) = self.proxy_intrinsics.get() {
            return Ok(*pair);
        }
        let env = self.env;
        let mut global = ptr::null_mut();
        check(unsafe { sys::napi_get_global(env, &mut global) })?;
        let get = |from, name: &std::ffi::CStr| {
            let mut out = ptr::null_mut();
            check(unsafe { sys::napi_get_named_property(env, from, name.as_ptr(), &mut out) })
                .map(|()| out)
        };
        let pair = (
            get(get(global, c"Object")?, c"getPrototypeOf")?,
            get(get(global, c"Array")?, c"isArray")?,
        );
        Ok(*self.proxy_intrinsics.get_or_init(|| pair))
    }

    /// Converts `v` (any JS value) under the canonical-JSON rules.
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
        // Most strings (keys, short values) fit on the stack: one Node-API
        // call instead of two (length, then copy). The buffer size counts a
        // terminating NUL, so a string that fills it may have been cut short.
        let mut inline = [0u16; INLINE_UNITS];
        let mut written = 0;
        check(unsafe {
            sys::napi_get_value_string_utf16(
                self.env,
                v,
                inline.as_mut_ptr(),
                INLINE_UNITS,
                &mut written,
            )
        })?;
        let mut heap = Vec::new();
        let units = if written < INLINE_UNITS - 1 {
            &inline[..written]
        } else {
            let mut len = 0;
            check(unsafe {
                sys::napi_get_value_string_utf16(self.env, v, ptr::null_mut(), 0, &mut len)
            })?;
            heap.resize(len + 1, 0u16);
            check(unsafe {
                sys::napi_get_value_string_utf16(
                    self.env,
                    v,
                    heap.as_mut_ptr(),
                    len + 1,
                    &mut written,
                )
            })?;
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

    unsafe fn convert(&self, v: sys::napi_value, depth: usize) -> Result<Value, Fail> {
        unsafe { self.convert_typed(v, self.type_of(v)?, depth) }
    }

    /// `convert` when the caller already knows `typeof v` (one call saved
    /// per member and element).
    unsafe fn convert_typed(
        &self,
        v: sys::napi_value,
        t: sys::napi_valuetype,
        depth: usize,
    ) -> Result<Value, Fail> {
        let env = self.env;
        match t {
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
        match unsafe { self.shape(v)? } {
            Shape::Array(len) => {
                check_depth(depth)?;
                return unsafe { self.array(v, len, depth) };
            }
            Shape::Plain => check_depth(depth)?,
            Shape::Other => return Err(unsupported(unsafe { self.constructor_name(v) })),
        }
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
            let t = unsafe { self.type_of(item)? };
            if t == sys::ValueType::napi_undefined {
                continue;
            }
            let value = unsafe { self.convert_typed(item, t, depth + 1) }
                .map_err(|f| within(f, |e| e.within_key(&name)))?;
            members.push((name, value));
        }
        Ok(Value::Object(members))
    }

    /// Elements of an array (or a Proxy of one) of length `len`.
    unsafe fn array(&self, v: sys::napi_value, len: u32, depth: usize) -> Result<Value, Fail> {
        let env = self.env;
        let mut items = Vec::with_capacity((len as usize).min(PREALLOC_LIMIT));
        for i in 0..len {
            let mut item = ptr::null_mut();
            check(unsafe { sys::napi_get_element(env, v, i, &mut item) })?;
            let t = unsafe { self.type_of(item)? };
            // Both a hole and an undefined element are errors; only then is
            // it worth a second call to say which.
            if t == sys::ValueType::napi_undefined {
                let mut present = true;
                check(unsafe { sys::napi_has_element(env, v, i, &mut present) })?;
                let what = if present {
                    "undefined"
                } else {
                    "an array hole"
                };
                return Err(within(unsupported(what), |e| e.within_index(i as usize)));
            }
            let value = unsafe { self.convert_typed(item, t, depth + 1) }
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
