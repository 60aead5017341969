//! `pricing:`: model prices by exact name, checked as strictly as every
//! other key (a typo in a price is an error naming it, not a silent `null`).

use std::collections::BTreeMap;

use super::{ConfigError, Section, err};
use crate::pricing::Price;
use tooltrail_json::Value;

/// Reads the `pricing` mapping.
pub(super) fn read(v: &Value) -> Result<BTreeMap<String, Price>, ConfigError> {
    let Value::Object(models) = v else {
        return Err(err("pricing", "must be a mapping of model names to prices"));
    };
    let mut out = BTreeMap::new();
    for (model, entry) in models {
        let key = format!("pricing.{model}");
        if model.is_empty() {
            return Err(err(&key, "a model name must not be empty"));
        }
        let mut s = Section::new(&key, entry)?;
        let per_mtok = |s: &mut Section<'_>, name: &str| s.number(name, 0.0, f64::MAX);
        let input = per_mtok(&mut s, "input_per_mtok")?;
        let output = per_mtok(&mut s, "output_per_mtok")?;
        let cached = per_mtok(&mut s, "cached_input_per_mtok")?;
        s.finish()?;
        let required = |v: Option<f64>, name: &str| {
            v.ok_or_else(|| err(&format!("{key}.{name}"), "is required"))
        };
        let price = Price {
            input_per_mtok: required(input, "input_per_mtok")?,
            output_per_mtok: required(output, "output_per_mtok")?,
            cached_input_per_mtok: cached,
        };
        out.insert(model.clone(), price);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::Config;

    #[test]
    fn pricing_overrides_and_adds_to_the_shipped_table() {
        let c = Config::from_yaml(
            "pricing:\n  gpt-4o-mini: { input_per_mtok: 1, output_per_mtok: 2 }\n  \
             in-house-7b: { input_per_mtok: 0.01, output_per_mtok: 0.02, cached_input_per_mtok: 0 }\n",
        )
        .unwrap();
        let mini = c.price("gpt-4o-mini").unwrap();
        assert_eq!((mini.input_per_mtok, mini.output_per_mtok), (1.0, 2.0));
        assert_eq!(mini.cached_input_per_mtok, None);
        assert_eq!(
            c.price("in-house-7b").unwrap().cached_input_per_mtok,
            Some(0.0)
        );
        // The shipped table still answers for the rest; an unknown name has no price.
        assert!(c.price("gpt-4o").is_some());
        assert_eq!(c.price("gpt-4o-mini-nonexistent"), None);
        assert_eq!(
            Config::default()
                .price("gpt-4o-mini")
                .unwrap()
                .input_per_mtok,
            0.15
        );
    }

    #[test]
    fn a_bad_price_names_its_key() {
        let e = Config::from_yaml("pricing:\n  gpt-4.1: { input_per_mtok: 1 }\n").unwrap_err();
        assert_eq!(e.key, "pricing.gpt-4.1.output_per_mtok");
        let e = Config::from_yaml(
            "pricing:\n  m: { input_per_mtok: 1, output_per_mtok: 1, outptu: 2 }\n",
        )
        .unwrap_err();
        assert_eq!(e.key, "pricing.m.outptu");
    }
}
