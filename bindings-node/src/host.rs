//! Reading thrown values and calling validators: what the core needs to know
//! about a JS failure, gathered by raw Node-API calls that never let a
//! hostile getter, Proxy trap or `toString` break the tool call (an exception
//! they throw is cleared and the fact counts as absent).

use napi::{Env, sys};
use tooltrail_core::gateway::Validation;
use tooltrail_core::{
    CAUSE_PATHS, CODE_PATHS, FailureFacts, RESULT_ERROR_PATHS, RESULT_STATUS_PATHS, ResultFacts,
    STATUS_PATHS,
};

use crate::napi_raw::RawEnv;

/// Most prototypes walked for class names (a cycle-free chain is short).
const MAX_PROTOTYPES: usize = 16;

/// Reads values in one environment, clearing any exception a read throws.
pub struct Host {
    env: RawEnv,
}

impl Host {
    /// A reader for the values of `env`, the current call's environment
    /// (every value passed to the methods must belong to it: see
    /// `napi_raw`).
    pub fn new(env: &Env) -> Self {
        Self {
            env: RawEnv::of(env),
        }
    }

    /// Clears a pending exception; returns it.
    pub fn take_exception(&self) -> Option<sys::napi_value> {
        if !self.env.is_exception_pending().unwrap_or(false) {
            return None;
        }
        self.env.get_and_clear_last_exception().ok()
    }

    fn type_of(&self, v: sys::napi_value) -> sys::napi_valuetype {
        self.env
            .type_of(v)
            .unwrap_or(sys::ValueType::napi_undefined)
    }

    fn is_object(&self, v: sys::napi_value) -> bool {
        matches!(
            self.type_of(v),
            sys::ValueType::napi_object | sys::ValueType::napi_function
        )
    }

    /// `v[name]` for an object; `None` if absent or if reading it threw.
    fn get(&self, v: sys::napi_value, name: &str) -> Option<sys::napi_value> {
        if !self.is_object(v) {
            return None;
        }
        let name = std::ffi::CString::new(name).ok()?;
        match self.env.get_named_property(v, &name) {
            Ok(out) => Some(out),
            Err(_) => {
                self.take_exception();
                None
            }
        }
    }

    fn get_path(&self, v: sys::napi_value, path: &[&str]) -> Option<sys::napi_value> {
        path.iter().try_fold(v, |obj, name| self.get(obj, name))
    }

    /// A string's text (lossy: these are messages and names, not hashed data).
    fn text(&self, v: sys::napi_value) -> Option<String> {
        if self.type_of(v) != sys::ValueType::napi_string {
            return None;
        }
        let len = self.env.string_utf8_len(v).unwrap_or(0);
        let mut buf = vec![0u8; len + 1];
        let written = self.env.get_value_string_utf8(v, &mut buf).unwrap_or(0);
        buf.truncate(written);
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    /// `String(v)`; `None` if conversion threw (a Symbol, a hostile `toString`).
    fn coerce(&self, v: sys::napi_value) -> Option<String> {
        match self.env.coerce_to_string(v) {
            Ok(s) => self.text(s),
            Err(_) => {
                self.take_exception();
                None
            }
        }
    }

    fn type_name(&self, v: sys::napi_value) -> &'static str {
        match self.type_of(v) {
            sys::ValueType::napi_undefined => "undefined",
            sys::ValueType::napi_null => "null",
            sys::ValueType::napi_boolean => "boolean",
            sys::ValueType::napi_number => "number",
            sys::ValueType::napi_string => "string",
            sys::ValueType::napi_symbol => "symbol",
            sys::ValueType::napi_function => "function",
            sys::ValueType::napi_bigint => "bigint",
            _ => "object",
        }
    }

    /// The constructor names along `v`'s prototype chain, most specific first.
    fn class_names(&self, v: sys::napi_value) -> Vec<String> {
        let mut names = Vec::new();
        let mut current = v;
        for _ in 0..MAX_PROTOTYPES {
            let Ok(proto) = self.env.get_prototype(current) else {
                self.take_exception();
                break;
            };
            if !self.is_object(proto) {
                break;
            }
            if let Some(name) = self
                .get(proto, "constructor")
                .and_then(|c| self.get(c, "name"))
                .and_then(|n| self.text(n))
                .filter(|n| !n.is_empty())
            {
                names.push(name);
            }
            current = proto;
        }
        names
    }

    /// The facts and message of a thrown value.
    pub fn failure(&self, v: sys::napi_value) -> (FailureFacts, String) {
        if !self.is_object(v) {
            let message = self.coerce(v).unwrap_or_default();
            return (FailureFacts::named(self.type_name(v)), message);
        }
        let http_status = STATUS_PATHS.iter().find_map(|path| {
            let s = self.get_path(v, path)?;
            if self.type_of(s) != sys::ValueType::napi_number {
                return None;
            }
            let n = self.env.get_value_double(s).unwrap_or(0.0);
            Some(if (100.0..600.0).contains(&n) {
                n as u16
            } else {
                0
            })
        });
        let cause_names = CAUSE_PATHS
            .iter()
            .filter_map(|path| self.get_path(v, path))
            .find(|c| self.is_object(*c))
            .map(|c| {
                let mut names: Vec<String> = self
                    .get(c, "name")
                    .and_then(|n| self.text(n))
                    .into_iter()
                    .collect();
                names.extend(self.class_names(c));
                names
            })
            .unwrap_or_default();
        let facts = FailureFacts {
            name: self.get(v, "name").and_then(|n| self.text(n)),
            class_names: self.class_names(v),
            cause_names,
            http_status: http_status.filter(|s| *s != 0),
            code: CODE_PATHS
                .iter()
                .find_map(|path| self.text(self.get_path(v, path)?)),
        };
        let message = self
            .get(v, "message")
            .filter(|m| {
                !matches!(
                    self.type_of(*m),
                    sys::ValueType::napi_undefined | sys::ValueType::napi_null
                )
            })
            .and_then(|m| self.coerce(m))
            .unwrap_or_default();
        (facts, message)
    }

    /// What the core needs to tell an error result from a result (see
    /// [`tooltrail_core::failed_result`]): `isError: true`, an integer HTTP
    /// status, and then the first content block's text (or `message`).
    pub fn result_facts(&self, v: sys::napi_value) -> ResultFacts {
        if !self.is_object(v) {
            return ResultFacts::default();
        }
        let is_error = RESULT_ERROR_PATHS.iter().any(|path| {
            self.get_path(v, path).is_some_and(|flag| {
                self.type_of(flag) == sys::ValueType::napi_boolean
                    && self.env.get_value_bool(flag).unwrap_or(false)
            })
        });
        let http_status = RESULT_STATUS_PATHS.iter().find_map(|path| {
            let s = self.get_path(v, path)?;
            if self.type_of(s) != sys::ValueType::napi_number {
                return None;
            }
            let n = self.env.get_value_double(s).unwrap_or(0.0);
            (n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&n)).then_some(n as u16)
        });
        ResultFacts::read(is_error, http_status, || {
            self.get_path(v, &["content", "0", "text"])
                .and_then(|t| self.text(t))
                .or_else(|| self.get(v, "message").and_then(|t| self.text(t)))
        })
    }

    /// Calls `validator(result)` if it is a function: `false` rejects, a throw
    /// rejects with its message, anything else passes.
    pub fn validate(&self, validator: sys::napi_value, result: sys::napi_value) -> Validation {
        if self.type_of(validator) != sys::ValueType::napi_function {
            return Validation::Passed;
        }
        let env = self.env;
        // A null receiver (if `undefined` could not be had) makes the call
        // fail (napi_invalid_arg), like a throwing validator.
        let recv = env.get_undefined().unwrap_or(std::ptr::null_mut());
        let Ok(out) = env.call_function(recv, validator, &[result]) else {
            let thrown = self.take_exception();
            let message = thrown
                .and_then(|e| {
                    self.get(e, "message")
                        .and_then(|m| self.text(m))
                        .filter(|m| !m.is_empty())
                        .or_else(|| self.coerce(e))
                })
                .unwrap_or_else(|| "validator threw".to_owned());
            return Validation::Raised(message);
        };
        let mut is_false = false;
        if self.type_of(out) == sys::ValueType::napi_boolean {
            is_false = !env.get_value_bool(out).unwrap_or(true);
        }
        if is_false {
            Validation::ReturnedFalse
        } else {
            Validation::Passed
        }
    }
}
