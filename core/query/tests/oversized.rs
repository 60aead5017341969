//! The writer never writes a line the readers refuse: a 20 MiB result with
//! `store_results: full` (and 20 MiB of arguments in an incident window)
//! became a 20 MiB line that `show` skipped as unreadable; now each is
//! stored as a marker with its size and hash, and the run reads whole.

use tooltrail_core::gateway::{MAX_STORED_BYTES, TRUNCATED};
use tooltrail_core::writer::{DirSinkConfig, SinkSpec, WriterConfig};
use tooltrail_core::{Config, EventWriter, Gateway, Outcome, RunCtx};
use tooltrail_json::Value;
use tooltrail_query::{EventReader, timeline};

#[test]
fn a_huge_result_and_huge_arguments_are_stored_as_markers_the_readers_take() {
    let tmp = tempfile::tempdir().unwrap();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(tmp.path().to_path_buf())),
        ..WriterConfig::default()
    })
    .unwrap();
    let config = Config::from_yaml(
        "logging:\n  tool_calls:\n    store_args: true\n    store_results: full\n",
    )
    .unwrap();
    let gw = Gateway::new(config, ["dump".to_owned()], None, None);
    let ctx = RunCtx {
        run_id: Some("r-big".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    // Just over what a reader takes in one line.
    let huge = Value::from("x".repeat(tooltrail_core::MAX_LINE_BYTES + 1));
    let args = Value::object([("blob", huge.clone())]);
    let (handle, events) = gw.begin(&ctx, "dump", Ok(args.clone())).unwrap();
    for e in events {
        e.write_to(&writer);
    }
    for e in gw.finish(handle, Outcome::Returned(Ok(huge.clone()))) {
        e.write_to(&writer);
    }
    assert!(writer.close(std::time::Duration::from_secs(30)));

    let mut reader = EventReader::open(tmp.path()).unwrap();
    let events = timeline(reader.by_ref(), "r-big");
    assert_eq!(reader.skipped, 0, "every line is readable");
    let kinds: Vec<&Value> = events.iter().filter_map(|e| e.get("event")).collect();
    assert_eq!(
        kinds,
        [&Value::from("tool_call"), &Value::from("tool_result")]
    );
    for (e, field, whole) in [(&events[0], "args", &args), (&events[1], "result", &huge)] {
        let marker = e
            .get(field)
            .and_then(|v| v.get(TRUNCATED))
            .unwrap_or_else(|| panic!("{field}: {:?}", e.get(field).map(|_| "not a marker")));
        let Some(Value::Number(bytes)) = marker.get("bytes") else {
            panic!("bytes")
        };
        assert!(*bytes as usize > MAX_STORED_BYTES);
        assert_eq!(
            marker.get("sha256"),
            Some(&Value::from(tooltrail_json::stable_hash(whole).unwrap()))
        );
    }
    for line in std::fs::read_to_string(tmp.path().join("tooltrail.jsonl"))
        .unwrap()
        .lines()
    {
        assert!(line.len() < tooltrail_core::MAX_LINE_BYTES);
    }
}
