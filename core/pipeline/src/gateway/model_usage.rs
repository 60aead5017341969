//! The token counts of a provider's or framework's usage object, read by one
//! rule for every binding and adapter (`model_call`'s `usage` argument): the
//! shapes of OpenAI's Chat Completions and Responses APIs, LangChain's
//! `usage_metadata` and the AI SDK's usage. A count the object does not hold
//! is unknown, never guessed.

use tooltrail_json::Value;

/// Token counts found in a usage object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct UsageTokens {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cached_input: Option<u64>,
    pub reasoning: Option<u64>,
}

/// Where each count stands, first match wins: a member, or a member of a
/// details object.
const INPUT: &[&[&str]] = &[
    &["input_tokens"],
    &["prompt_tokens"],
    &["inputTokens"],
    &["promptTokens"],
];
const OUTPUT: &[&[&str]] = &[
    &["output_tokens"],
    &["completion_tokens"],
    &["outputTokens"],
    &["completionTokens"],
];
const CACHED: &[&[&str]] = &[
    &["input_tokens_details", "cached_tokens"],
    &["prompt_tokens_details", "cached_tokens"],
    &["input_token_details", "cache_read"],
    &["inputTokenDetails", "cacheReadTokens"],
    &["cachedInputTokens"],
];
const REASONING: &[&[&str]] = &[
    &["output_tokens_details", "reasoning_tokens"],
    &["completion_tokens_details", "reasoning_tokens"],
    &["output_token_details", "reasoning"],
    &["outputTokenDetails", "reasoningTokens"],
    &["reasoningTokens"],
];

/// The largest integer every language holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

impl UsageTokens {
    /// The counts `usage` holds (whole numbers ≥ 0; anything else there is
    /// not a count and is skipped).
    pub(super) fn read(usage: &Value) -> Self {
        let find = |paths: &[&[&str]]| {
            paths.iter().find_map(|path| {
                let v = path.iter().try_fold(usage, |v, k| v.get(k))?;
                match v {
                    Value::Number(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(n) => {
                        Some(*n as u64)
                    }
                    _ => None,
                }
            })
        };
        Self {
            input: find(INPUT),
            output: find(OUTPUT),
            cached_input: find(CACHED),
            reasoning: find(REASONING),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tooltrail_json::parse_json;

    fn read(json: &str) -> UsageTokens {
        UsageTokens::read(&parse_json(json.as_bytes()).unwrap())
    }

    #[test]
    fn each_known_shape_gives_its_counts() {
        let want = UsageTokens {
            input: Some(1200),
            output: Some(80),
            cached_input: Some(1000),
            reasoning: Some(16),
        };
        // OpenAI Chat Completions, OpenAI Responses, LangChain, the AI SDK.
        for json in [
            r#"{"prompt_tokens":1200,"completion_tokens":80,"total_tokens":1280,"prompt_tokens_details":{"cached_tokens":1000},"completion_tokens_details":{"reasoning_tokens":16}}"#,
            r#"{"input_tokens":1200,"output_tokens":80,"input_tokens_details":{"cached_tokens":1000},"output_tokens_details":{"reasoning_tokens":16}}"#,
            r#"{"input_tokens":1200,"output_tokens":80,"input_token_details":{"cache_read":1000},"output_token_details":{"reasoning":16}}"#,
            r#"{"inputTokens":1200,"outputTokens":80,"inputTokenDetails":{"cacheReadTokens":1000},"outputTokenDetails":{"reasoningTokens":16}}"#,
        ] {
            assert_eq!(read(json), want, "{json}");
        }
    }

    /// The shared vectors (`tests/vectors/model_usage/`, also read by the
    /// Python and Node suites through `model_call`).
    #[test]
    fn the_shared_usage_vectors() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/model_usage"
        );
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let case = parse_json(&std::fs::read(&path).unwrap()).unwrap();
            let expect = case.get("expect").unwrap();
            let want = |k: &str| match expect.get(k) {
                Some(Value::Number(n)) => Some(*n as u64),
                _ => None,
            };
            let got = UsageTokens::read(case.get("usage").unwrap());
            let want = UsageTokens {
                input: want("input_tokens"),
                output: want("output_tokens"),
                cached_input: want("cached_input_tokens"),
                reasoning: want("reasoning_tokens"),
            };
            assert_eq!(got, want, "{}", path.display());
            n += 1;
        }
        assert!(n >= 10, "{n} vectors");
    }

    #[test]
    fn what_is_not_a_count_is_unknown() {
        let got = read(r#"{"input_tokens":-1,"output_tokens":"80","prompt_tokens_details":null}"#);
        assert_eq!(got, UsageTokens::default());
        assert_eq!(read("[]"), UsageTokens::default());
    }
}
