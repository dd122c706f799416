//! Reading a request the way the spec allows it to be written.
//!
//! jupyter-protocol requires every field of some requests that the messaging spec makes
//! optional (history `search` without `unique` or `n`, as jupyter_client sends it), and
//! a message it cannot parse would be dropped unanswered. So requests are read raw —
//! frames and signature still checked by jupyter-zmq-client — and those defaults are
//! filled in before the content is parsed.

use jupyter_protocol::{Header, JupyterMessage, JupyterMessageContent};
use jupyter_zmq_client::{Connection, RawMessage, RuntimeError};
use serde_json::Value;

pub(crate) async fn read<S: zeromq::SocketRecv>(
    conn: &mut Connection<S>,
) -> Result<JupyterMessage, RuntimeError> {
    let raw = RawMessage::from_multipart(conn.socket.recv().await?, &conn.mac)?;
    parse(raw)
}

fn parse(raw: RawMessage) -> Result<JupyterMessage, RuntimeError> {
    let parts = &raw.jparts; // at least 4: from_multipart checked it
    let header: Header = serde_json::from_slice(&parts[0])?;
    let mut content: Value = serde_json::from_slice(&parts[3])?;
    fill_defaults(&header.msg_type, &mut content);
    let content = JupyterMessageContent::from_type_and_content(&header.msg_type, content).map_err(
        |source| RuntimeError::ParseError {
            msg_type: header.msg_type.clone(),
            source,
        },
    )?;
    Ok(JupyterMessage {
        // An empty parent header is `{}`, which is no Header: None.
        parent_header: serde_json::from_slice(&parts[1]).ok(),
        metadata: serde_json::from_slice(&parts[2])?,
        buffers: parts.get(4..).map(<[_]>::to_vec).unwrap_or_default(),
        zmq_identities: raw.zmq_identities,
        header,
        content,
        channel: None,
    })
}

/// The spec's defaults for optional request fields that jupyter-protocol requires.
fn fill_defaults(msg_type: &str, content: &mut Value) {
    let Some(obj) = content.as_object_mut() else {
        return;
    };
    if msg_type == "history_request" {
        let search = obj.get("hist_access_type").and_then(Value::as_str) == Some("search");
        obj.entry("raw").or_insert(Value::Bool(true));
        obj.entry("output").or_insert(Value::Bool(false));
        if search {
            obj.entry("unique").or_insert(Value::Bool(false));
            obj.entry("pattern").or_insert(Value::String("*".into()));
            // `n` absent means every match; History::search reads n <= 0 as "all".
            if obj.get("n").is_none_or(Value::is_null) {
                obj.insert("n".into(), Value::from(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fill_defaults;
    use serde_json::json;

    #[test]
    fn history_search_without_unique_or_n_parses() {
        let mut content =
            json!({"hist_access_type": "search", "pattern": "a*", "raw": true, "output": false});
        fill_defaults("history_request", &mut content);
        let parsed = jupyter_protocol::JupyterMessageContent::from_type_and_content(
            "history_request",
            content,
        );
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn other_messages_are_untouched() {
        let mut content = json!({"code": "1"});
        fill_defaults("execute_request", &mut content);
        assert_eq!(content, json!({"code": "1"}));
    }
}
