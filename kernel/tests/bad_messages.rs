//! Messages a kernel must refuse: forged signatures, missing frames, malformed
//! JSON, unknown types. Each is sent raw over ZeroMQ; afterwards nothing of it has
//! executed and the kernel still answers.

mod common;

use std::time::Duration;

use common::Kernel;
use jupyter_protocol::{JupyterMessageContent, ReplyStatus};
use ring::hmac;
use zeromq::{Socket, SocketRecv, SocketSend, ZmqMessage};

const DELIM: &[u8] = b"<IDS|MSG>";

fn header(msg_type: &str) -> String {
    format!(
        r#"{{"msg_id":"forged-{msg_type}-{}","username":"x","session":"s","date":"2026-01-01T00:00:00Z","msg_type":"{msg_type}","version":"5.4"}}"#,
        std::process::id()
    )
}

fn sign(key: &str, parts: &[&[u8]]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    for p in parts {
        ctx.update(p);
    }
    ctx.sign()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into_bytes()
}

fn frames(parts: Vec<Vec<u8>>) -> ZmqMessage {
    let parts: Vec<bytes::Bytes> = parts.into_iter().map(Into::into).collect();
    ZmqMessage::try_from(parts).unwrap()
}

async fn raw_shell(k: &Kernel) -> zeromq::DealerSocket {
    let mut s = zeromq::DealerSocket::new();
    s.connect(&k.info.shell_url()).await.unwrap();
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_malformed_messages_are_dropped_and_the_kernel_keeps_serving() {
    let mut k = Kernel::start().await;
    let key = k.info.key.clone();
    let mut raw = raw_shell(&k).await;
    let execute = |code: &str| {
        format!(
            r#"{{"code":"{code}","silent":false,"store_history":true,"user_expressions":{{}},"allow_stdin":false,"stop_on_error":true}}"#
        )
    };

    // 1. Wrong signature on an otherwise valid execute_request.
    let (h, c) = (header("execute_request"), execute("out FORGED"));
    let bad_sig = sign("not-the-key", &[h.as_bytes(), b"{}", b"{}", c.as_bytes()]);
    raw.send(frames(vec![
        DELIM.into(),
        bad_sig,
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        c.into(),
    ]))
    .await
    .unwrap();

    // 2. No signature at all.
    let (h, c) = (header("execute_request"), execute("out UNSIGNED"));
    raw.send(frames(vec![
        DELIM.into(),
        Vec::new(),
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        c.into(),
    ]))
    .await
    .unwrap();

    // 3. Missing frames (header only), correctly signed as far as it goes.
    let h = header("kernel_info_request");
    let sig = sign(&key, &[h.as_bytes()]);
    raw.send(frames(vec![DELIM.into(), sig, h.into()]))
        .await
        .unwrap();

    // 4. No delimiter.
    raw.send(frames(vec![b"garbage".to_vec(), b"more".to_vec()]))
        .await
        .unwrap();

    // 5. Correct signature, malformed JSON content.
    let h = header("execute_request");
    let c = br#"{"code": "out BADJSON", "#.to_vec();
    let sig = sign(&key, &[h.as_bytes(), b"{}", b"{}", &c]);
    raw.send(frames(vec![
        DELIM.into(),
        sig,
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        c,
    ]))
    .await
    .unwrap();

    // 6. Correct signature, valid JSON, wrong shape (execute_request without `code`).
    let h = header("execute_request");
    let c = br#"{"silent": false}"#.to_vec();
    let sig = sign(&key, &[h.as_bytes(), b"{}", b"{}", &c]);
    raw.send(frames(vec![
        DELIM.into(),
        sig,
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        c,
    ]))
    .await
    .unwrap();

    // 7. Correct signature, malformed header.
    let h = br#"{"msg_type": 3"#.to_vec();
    let sig = sign(&key, &[&h, b"{}", b"{}", b"{}"]);
    raw.send(frames(vec![
        DELIM.into(),
        sig,
        h,
        b"{}".to_vec(),
        b"{}".to_vec(),
        b"{}".to_vec(),
    ]))
    .await
    .unwrap();

    // 8. Correct signature, a message type no kernel knows: ignored, no reply.
    let h = header("frobnicate_request");
    let sig = sign(&key, &[h.as_bytes(), b"{}", b"{}", b"{}"]);
    raw.send(frames(vec![
        DELIM.into(),
        sig,
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        b"{}".to_vec(),
    ]))
    .await
    .unwrap();

    // 9. The same on control: forged shutdown_request must not stop the kernel.
    let mut raw_control = zeromq::DealerSocket::new();
    raw_control.connect(&k.info.control_url()).await.unwrap();
    let (h, c) = (
        header("shutdown_request"),
        r#"{"restart":false}"#.to_string(),
    );
    let bad_sig = sign("wrong", &[h.as_bytes(), b"{}", b"{}", c.as_bytes()]);
    raw_control
        .send(frames(vec![
            DELIM.into(),
            bad_sig,
            h.into(),
            b"{}".to_vec(),
            b"{}".to_vec(),
            c.into(),
        ]))
        .await
        .unwrap();

    tokio::time::sleep(Duration::from_millis(300)).await;
    k.assert_alive().await;
    // None of the rejected executes ran: this is the first counted cell, and
    // nothing they would print ever reached iopub.
    let ex = k.execute("out genuine").await;
    assert_eq!(ex.reply.status, ReplyStatus::Ok);
    assert_eq!(ex.reply.execution_count.0, 1);
    assert_eq!(ex.stdout(), "genuine\n");
    // The raw socket got no reply to anything it sent.
    let nothing = tokio::time::timeout(Duration::from_millis(200), raw.recv()).await;
    assert!(
        nothing.is_err(),
        "kernel replied to a rejected message: {nothing:?}"
    );
    // Everything published so far came from the genuine request or the kernel itself.
    while let Ok(Ok(msg)) = tokio::time::timeout(Duration::from_millis(100), k.iopub.read()).await {
        if let JupyterMessageContent::StreamContent(s) = &msg.content {
            assert!(
                !s.text.contains("FORGED")
                    && !s.text.contains("UNSIGNED")
                    && !s.text.contains("BADJSON")
            );
        }
    }
    assert!(k.child.try_wait().unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correctly_signed_raw_message_is_served() {
    // The control experiment for the test above: the same raw path, signed right, works.
    let k = Kernel::start().await;
    let mut raw = raw_shell(&k).await;
    let h = header("kernel_info_request");
    let sig = sign(&k.info.key, &[h.as_bytes(), b"{}", b"{}", b"{}"]);
    raw.send(frames(vec![
        DELIM.into(),
        sig,
        h.into(),
        b"{}".to_vec(),
        b"{}".to_vec(),
        b"{}".to_vec(),
    ]))
    .await
    .unwrap();
    let reply = tokio::time::timeout(common::WAIT, raw.recv())
        .await
        .unwrap()
        .unwrap();
    let parts: Vec<_> = reply
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let header = parts.iter().find(|p| p.contains("\"msg_type\"")).unwrap();
    assert!(header.contains("kernel_info_reply"), "{parts:?}");
}
