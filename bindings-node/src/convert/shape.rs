//! What kind of object a JS object is, asked the way `JSON.stringify` would
//! (through proxies, across realms) with Node-API calls only.

use std::ptr;

use napi::sys;

use super::{Converter, Fail, check, unsupported};

/// What an object is, as far as canonical JSON is concerned.
pub(super) enum Shape {
    /// An array (or a Proxy of one) of this length.
    Array(u32),
    /// A plain object: its prototype is `Object.prototype` (of any realm) or null.
    Plain,
    /// Anything else (Map, Date, class instance, boxed primitive, …).
    Other,
}

impl Converter {
    /// Classifies an object the way JS sees it.
    pub(super) unsafe fn shape(&self, v: sys::napi_value) -> Result<Shape, Fail> {
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
        let (get_prototype_of, is_array) = unsafe { self.proxy_intrinsics()? };
        if unsafe { self.call_is_true(is_array, v)? } {
            return Ok(Shape::Array(unsafe { self.proxied_length(v)? }));
        }
        let real = unsafe { self.call(get_prototype_of, v)? };
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

    pub(super) unsafe fn same(&self, a: sys::napi_value, b: sys::napi_value) -> Result<bool, Fail> {
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
}
