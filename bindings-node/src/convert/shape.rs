//! What kind of object a JS object is, asked the way `JSON.stringify` would
//! (through proxies, across realms) with Node-API calls only.

use napi::sys;

use super::{Converter, Fail, unsupported};

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
    pub(super) fn shape(&self, v: sys::napi_value) -> Result<Shape, Fail> {
        let env = self.env;
        if env.is_array(v)? {
            return Ok(Shape::Array(env.get_array_length(v)?));
        }
        let proto = env.get_prototype(v)?;
        if self.same(proto, self.object_proto)? {
            return Ok(Shape::Plain);
        }
        if self.type_of(proto)? != sys::ValueType::napi_null {
            return Ok(if self.is_foreign_object_proto(proto)? {
                Shape::Plain
            } else {
                Shape::Other
            });
        }
        // Node-API reports a Proxy's prototype as null without asking its
        // target, so a Proxy of a Map or an array would pass for
        // Object.create(null). Ask the way JSON.stringify would: Array.isArray
        // and Object.getPrototypeOf see through proxies.
        let (get_prototype_of, is_array) = self.proxy_intrinsics()?;
        if self.call_is_true(is_array, v)? {
            return Ok(Shape::Array(self.proxied_length(v)?));
        }
        let real = self.call(get_prototype_of, v)?;
        let plain = self.type_of(real)? == sys::ValueType::napi_null
            || self.same(real, self.object_proto)?
            || self.is_foreign_object_proto(real)?;
        Ok(if plain { Shape::Plain } else { Shape::Other })
    }

    /// Whether `proto` is `Object.prototype` of another realm (a `vm`
    /// context, a Jest environment): the end of its chain, with an own
    /// `constructor` named `Object` whose `prototype` is `proto`.
    fn is_foreign_object_proto(&self, proto: sys::napi_value) -> Result<bool, Fail> {
        let env = self.env;
        let up = env.get_prototype(proto)?;
        if self.type_of(up)? != sys::ValueType::napi_null {
            return Ok(false);
        }
        let key = env.create_string_utf8("constructor")?;
        if !env.has_own_property(proto, key)? {
            return Ok(false);
        }
        let ctor = env.get_property(proto, key)?;
        if self.type_of(ctor)? != sys::ValueType::napi_function {
            return Ok(false);
        }
        let name = env.get_named_property(ctor, c"name")?;
        let prototype = env.get_named_property(ctor, c"prototype")?;
        Ok(self.type_of(name)? == sys::ValueType::napi_string
            && self.string(name)? == "Object"
            && self.same(prototype, proto)?)
    }

    /// The `length` of a Proxy whose target is an array (read through its
    /// traps, so it is checked like any untrusted number).
    fn proxied_length(&self, v: sys::napi_value) -> Result<u32, Fail> {
        let len = self.env.get_named_property(v, c"length")?;
        let mut f = f64::NAN;
        if self.type_of(len)? == sys::ValueType::napi_number {
            f = self.env.get_value_double(len)?;
        }
        if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) {
            Ok(f as u32)
        } else {
            Err(unsupported("a Proxy of an array with an invalid length"))
        }
    }

    pub(super) fn same(&self, a: sys::napi_value, b: sys::napi_value) -> Result<bool, Fail> {
        Ok(self.env.strict_equals(a, b)?)
    }

    /// Calls the intrinsic `f(arg)`.
    fn call(&self, f: sys::napi_value, arg: sys::napi_value) -> Result<sys::napi_value, Fail> {
        let recv = self.env.get_undefined()?;
        Ok(self.env.call_function(recv, f, &[arg])?)
    }

    fn call_is_true(&self, f: sys::napi_value, arg: sys::napi_value) -> Result<bool, Fail> {
        let out = self.call(f, arg)?;
        Ok(self.env.get_value_bool(out)?)
    }
}
