//! JS values → core `Value`, through raw Node-API calls so nothing is lost on
//! the way: strings are read as UTF-16 (the UTF-8 getter would hide lone
//! surrogates behind U+FFFD), BigInts as words, holes and prototypes checked.

use std::ptr;

use napi::sys;
use tooltrail_core::{CanonError, ErrorKind, Value, check_depth, check_float, check_integer};

// The reverse direction lives in its own module; gateway.rs imports it from here.
pub use crate::to_js::to_js;

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

    /// Classifies an object the way JS sees it.
    unsafe fn shape(&self, v: sys::napi_value) -> Result<Shape, Fail> {
        let env = self.env;
        let mut is_array = false;
        check(unsafe { sys::napi_is_array(env, v, &mut is_array) })?;
        if is_array {
            let mut len = 0u32;
            check(unsafe { sys::napi_get_array_length(env, v, &mut len) })?;
            return Ok(Shape::Array(len));
        }
        let mut proto = ptr::null_mut();
        check(unsafe { sys::napi_get_prototype(env, v, &mut proto) })?;
        if unsafe { self.same(proto, self.object_proto)? } {
            return Ok(Shape::Plain);
        }
        if unsafe { self.type_of(proto)? } != sys::ValueType::napi_null {
            return Ok(if unsafe { self.is_foreign_object_proto(proto)? } {
                Shape::Plain
            } else {
                Shape::Other
            });
        }
        // Node-API reports a Proxy's prototype as null without asking its
        // target, so a Proxy of a Map or an array would pass for
        // Object.create(null). Ask the way JSON.stringify would: Array.isArray
        // and Object.getPrototypeOf see through proxies.
        if unsafe { self.call_is_true(self.is_array, v)? } {
            return Ok(Shape::Array(unsafe { self.proxied_length(v)? }));
        }
        let real = unsafe { self.call(self.get_prototype_of, v)? };
        let plain = unsafe {
            self.type_of(real)? == sys::ValueType::napi_null
                || self.same(real, self.object_proto)?
                || self.is_foreign_object_proto(real)?
        };
        Ok(if plain { Shape::Plain } else { Shape::Other })
    }

    /// Whether `proto` is `Object.prototype` of another realm (a `vm`
    /// context, a Jest environment): the end of its chain, with an own
    /// `constructor` named `Object` whose `prototype` is `proto`.
    unsafe fn is_foreign_object_proto(&self, proto: sys::napi_value) -> Result<bool, Fail> {
        let env = self.env;
        let mut up = ptr::null_mut();
        check(unsafe { sys::napi_get_prototype(env, proto, &mut up) })?;
        if unsafe { self.type_of(up)? } != sys::ValueType::napi_null {
            return Ok(false);
        }
        let mut key = ptr::null_mut();
        check(unsafe { sys::napi_create_string_utf8(env, c"constructor".as_ptr(), 11, &mut key) })?;
        let mut own = false;
        check(unsafe { sys::napi_has_own_property(env, proto, key, &mut own) })?;
        if !own {
            return Ok(false);
        }
        let mut ctor = ptr::null_mut();
        check(unsafe { sys::napi_get_property(env, proto, key, &mut ctor) })?;
        if unsafe { self.type_of(ctor)? } != sys::ValueType::napi_function {
            return Ok(false);
        }
        let (mut name, mut prototype) = (ptr::null_mut(), ptr::null_mut());
        check(unsafe { sys::napi_get_named_property(env, ctor, c"name".as_ptr(), &mut name) })?;
        check(unsafe {
            sys::napi_get_named_property(env, ctor, c"prototype".as_ptr(), &mut prototype)
        })?;
        Ok(unsafe {
            self.type_of(name)? == sys::ValueType::napi_string
                && self.string(name)? == "Object"
                && self.same(prototype, proto)?
        })
    }

    /// The `length` of a Proxy whose target is an array (read through its
    /// traps, so it is checked like any untrusted number).
    unsafe fn proxied_length(&self, v: sys::napi_value) -> Result<u32, Fail> {
        let mut len = ptr::null_mut();
        check(unsafe { sys::napi_get_named_property(self.env, v, c"length".as_ptr(), &mut len) })?;
        let mut f = f64::NAN;
        if unsafe { self.type_of(len)? } == sys::ValueType::napi_number {
            check(unsafe { sys::napi_get_value_double(self.env, len, &mut f) })?;
        }
        if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) {
            Ok(f as u32)
        } else {
            Err(unsupported("a Proxy of an array with an invalid length"))
        }
    }

    unsafe fn same(&self, a: sys::napi_value, b: sys::napi_value) -> Result<bool, Fail> {
        let mut equal = false;
        check(unsafe { sys::napi_strict_equals(self.env, a, b, &mut equal) })?;
        Ok(equal)
    }

    /// Calls the intrinsic `f(arg)`.
    unsafe fn call(
        &self,
        f: sys::napi_value,
        arg: sys::napi_value,
    ) -> Result<sys::napi_value, Fail> {
        let (mut recv, mut out) = (ptr::null_mut(), ptr::null_mut());
        check(unsafe { sys::napi_get_undefined(self.env, &mut recv) })?;
        check(unsafe { sys::napi_call_function(self.env, recv, f, 1, &arg, &mut out) })?;
        Ok(out)
    }

    unsafe fn call_is_true(&self, f: sys::napi_value, arg: sys::napi_value) -> Result<bool, Fail> {
        let mut yes = false;
        let out = unsafe { self.call(f, arg)? };
        check(unsafe { sys::napi_get_value_bool(self.env, out, &mut yes) })?;
        Ok(yes)
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
