//! `sinks.otlp` in the configuration: the documented vector, defaults, and
//! errors that name the key.

use std::time::Duration;

use tooltrail_core::Config;
use tooltrail_core::config::OtlpConfig;
use tooltrail_core::gateway::{parse_traceparent, traceparent};

#[test]
fn the_vector_parses() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/config/y_sinks_otlp.yaml"
    );
    let c = Config::from_yaml(&std::fs::read_to_string(path).unwrap()).unwrap();
    let o = c.otlp.expect("sinks.otlp");
    assert_eq!(
        o.endpoint, "http://127.0.0.1:4318",
        "the trailing slash is dropped"
    );
    assert_eq!(
        o.headers,
        vec![("x-tenant".to_owned(), "team-a".to_owned())]
    );
    assert_eq!(o.service_name, "support-agent");
    assert_eq!(o.timeout, Duration::from_secs(5));
    assert_eq!(
        (o.max_retries, o.queue_events, o.batch_events),
        (3, 4096, 256)
    );
    assert_eq!(o.backoff, Duration::from_millis(250));
    assert_eq!(o.max_backoff, Duration::from_secs(10));
    assert_eq!(o.flush_interval, Duration::from_millis(200));
    assert!(
        !format!("{o:?}").contains("team-a"),
        "header values are never printed"
    );
}

#[test]
fn defaults_and_absence() {
    assert_eq!(Config::from_yaml("logging: {}").unwrap().otlp, None);
    let c = Config::from_yaml("sinks: { otlp: { endpoint: 'http://collector:4318' } }").unwrap();
    let o = c.otlp.unwrap();
    assert_eq!(
        o,
        OtlpConfig {
            endpoint: "http://collector:4318".into(),
            ..OtlpConfig::default()
        }
    );
}

#[test]
fn errors_name_the_key() {
    for (yaml, key) in [
        ("sinks: { otlp: {} }", "sinks.otlp.endpoint"),
        (
            "sinks: { otlp: { endpoint: 'ftp://x' } }",
            "sinks.otlp.endpoint",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', endpont: 1 } }",
            "sinks.otlp.endpont",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', timeout_s: 0 } }",
            "sinks.otlp.timeout_s",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', max_retries: 1.5 } }",
            "sinks.otlp.max_retries",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', flush_interval_s: 2 } }",
            "sinks.otlp.flush_interval_s",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', headers: { 'a b': 'c' } } }",
            "sinks.otlp.headers.a b",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', headers: { a: 1 } } }",
            "sinks.otlp.headers.a",
        ),
        (
            "sinks: { otlp: { endpoint: 'http://x', logs: false, traces: false } }",
            "sinks.otlp.logs",
        ),
        ("sinks: { file: {} }", "sinks.file"),
    ] {
        let err = Config::from_yaml(yaml).unwrap_err();
        assert_eq!(err.key, key, "{yaml}: {err}");
    }
    if !cfg!(feature = "otlp-https") {
        let err = Config::from_yaml("sinks: { otlp: { endpoint: 'https://x' } }").unwrap_err();
        assert!(err.message.contains("otlp-https"), "{err}");
    }
}

#[test]
fn traceparent_helpers() {
    let h = traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true).unwrap();
    assert_eq!(h, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(
        parse_traceparent(&h),
        Some((
            "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            "00f067aa0ba902b7".into(),
            true
        ))
    );
    assert_eq!(traceparent("4bf9", "00f067aa0ba902b7", true), None);
    assert_eq!(
        traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "0000000000000000", true),
        None
    );
    assert_eq!(parse_traceparent("00-xyz-00f067aa0ba902b7-01"), None);
}

#[test]
fn a_writer_asked_to_export_without_an_exporter_names_the_key() {
    // This crate never links the OTLP exporter (tooltrail-otlp registers
    // itself): a configuration that asks for export must say so, not drop it.
    let config = tooltrail_core::WriterConfig {
        sink: tooltrail_core::writer::SinkSpec::Memory(tooltrail_core::writer::MemorySink::new()),
        otlp: Some(OtlpConfig::default()),
        ..tooltrail_core::WriterConfig::default()
    };
    match tooltrail_core::EventWriter::new(config) {
        Err(tooltrail_core::WriterError::InvalidConfig { key, message }) => {
            assert_eq!(key, "sinks.otlp");
            assert!(message.contains("not built"), "{message}");
        }
        other => panic!("expected an error naming sinks.otlp, got {:?}", other.err()),
    }
}
