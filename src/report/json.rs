//! The `samltrace/v1` JSON schema: one object with every trace, or one trace per line.

use serde::Serialize;

use crate::trace::Trace;

pub const SCHEMA: &str = "samltrace/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    traces: &'a [Trace],
}

/// One JSON object holding every trace, pretty-printed, with a final newline.
pub fn render(traces: &[Trace]) -> String {
    let doc = Document {
        schema: SCHEMA,
        traces,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// One compact JSON object per trace, one per line.
pub fn render_ndjson(traces: &[Trace]) -> String {
    let mut s = String::new();
    for t in traces {
        s.push_str(&serde_json::to_string(t).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_and_fields() {
        let at = "2026-11-02T09:00:00Z".parse().unwrap();
        let traces = crate::pipeline::Pipeline::judging_at(at).decode("in", b"<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_l\"/>");
        let v: serde_json::Value = serde_json::from_str(&render(&traces)).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        let t = &v["traces"][0];
        for key in [
            "origin",
            "encoding",
            "message",
            "xml",
            "signatures",
            "findings",
            "verdict",
        ] {
            assert!(t.get(key).is_some(), "missing {key}");
        }
        assert_eq!(t["message"]["kind"], "LogoutResponse");
        assert_eq!(t["origin"]["input"], "in");
        assert!(t["verdict"].is_null());
        let line = render_ndjson(&traces);
        assert_eq!(line.lines().count(), 1);
    }
}
