//! The shell channel: requests are queued as they arrive and handled one at a
//! time, in order. Queueing separately from handling is what lets `stop_on_error`
//! abort the execute requests that were already waiting when a cell failed.

use std::collections::HashMap;
use std::sync::Arc;

use accel_magics::{CellError, Completeness};
use jupyter_protocol::{
    CommInfoReply, CompleteReply, ErrorOutput, ExecuteInput, ExecuteReply, ExecuteRequest,
    ExecuteResult, ExecutionCount, ExpressionResult, HistoryReply, HistoryRequest, InspectReply,
    InterruptReply, IsCompleteReply, JupyterMessage, JupyterMessageContent, ReplyError,
    ReplyStatus, ShutdownReply, Status, Transient,
};
use jupyter_zmq_client::{KernelShellConnection, RouterSendConnection};
use tokio::sync::mpsc;

use super::lenient;
use super::sink::{media, KernelSink, NullSink};
use super::{child, kernel_info::kernel_info, Kernel};
use crate::executor::JobPanicked;
use crate::history::History;

struct Shell {
    kernel: Arc<Kernel>,
    writer: RouterSendConnection,
    /// Cells run with `store_history`; the next one gets `count + 1`.
    count: usize,
    history: History,
}

pub async fn serve(conn: KernelShellConnection, kernel: Arc<Kernel>) {
    let (writer, mut reader) = conn.split();
    let (queue_tx, mut queue) = mpsc::unbounded_channel::<JupyterMessage>();
    tokio::spawn(async move {
        loop {
            match lenient::read(&mut reader).await {
                Ok(msg) => {
                    if queue_tx.send(msg).is_err() {
                        return;
                    }
                }
                Err(e) => super::dropped("shell", e).await,
            }
        }
    });
    let mut shell = Shell {
        kernel,
        writer,
        count: 0,
        history: History::default(),
    };
    while let Some(msg) = queue.recv().await {
        for waiting in shell.handle(&msg, &mut queue).await {
            shell.abort_or_handle(&waiting).await;
        }
    }
}

impl Shell {
    async fn reply(&mut self, content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) {
        if let Err(e) = self.writer.send(child(content, parent)).await {
            eprintln!("accel: shell reply failed: {e}");
        }
    }

    async fn publish(&self, content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) {
        self.kernel.iopub.send(child(content, parent)).await;
    }

    /// Handles one request between busy and idle. When it was an execute request
    /// that failed with `stop_on_error`, returns the requests that were queued
    /// behind it (taken before its idle, as ipykernel does), to be aborted.
    async fn handle(
        &mut self,
        msg: &JupyterMessage,
        queue: &mut mpsc::UnboundedReceiver<JupyterMessage>,
    ) -> Vec<JupyterMessage> {
        self.publish(Status::busy(), msg).await;
        let mut waiting = Vec::new();
        match &msg.content {
            JupyterMessageContent::KernelInfoRequest(_) => self.reply(kernel_info(), msg).await,
            JupyterMessageContent::ExecuteRequest(req) => {
                waiting = self.execute(msg, req, queue).await
            }
            JupyterMessageContent::IsCompleteRequest(req) => {
                let code = req.code.clone();
                let reply = match self
                    .kernel
                    .executor
                    .run(move |s| s.is_complete(&code))
                    .await
                {
                    Ok(Completeness::Complete) => IsCompleteReply::complete(),
                    Ok(Completeness::Incomplete(indent)) => IsCompleteReply::incomplete(indent),
                    Ok(Completeness::Invalid) => IsCompleteReply::invalid(),
                    Err(_) => IsCompleteReply::unknown(),
                };
                self.reply(reply, msg).await
            }
            JupyterMessageContent::CompleteRequest(req) => {
                let (code, pos) = (req.code.clone(), req.cursor_pos);
                let done = self
                    .kernel
                    .executor
                    .run(move |s| s.complete(&code, pos))
                    .await;
                let c = done.unwrap_or_default();
                let reply = CompleteReply {
                    matches: c.matches,
                    cursor_start: c.cursor_start,
                    cursor_end: c.cursor_end,
                    metadata: Default::default(),
                    status: ReplyStatus::Ok,
                    error: None,
                };
                self.reply(reply, msg).await
            }
            JupyterMessageContent::InspectRequest(req) => {
                let (code, pos) = (req.code.clone(), req.cursor_pos);
                let found = self
                    .kernel
                    .executor
                    .run(move |s| s.inspect(&code, pos))
                    .await
                    .ok()
                    .flatten();
                let reply = InspectReply {
                    found: found.is_some(),
                    data: media(found.unwrap_or_default()),
                    metadata: Default::default(),
                    status: ReplyStatus::Ok,
                    error: None,
                };
                self.reply(reply, msg).await
            }
            JupyterMessageContent::HistoryRequest(req) => {
                let history = match req {
                    HistoryRequest::Tail { n, output, .. } => self.history.tail(*n, *output),
                    HistoryRequest::Range {
                        session,
                        start,
                        stop,
                        output,
                        ..
                    } => self.history.range(*session, *start, *stop, *output),
                    HistoryRequest::Search {
                        pattern,
                        unique,
                        output,
                        n,
                        ..
                    } => self.history.search(pattern, *unique, *n, *output),
                };
                self.reply(HistoryReply::new(history), msg).await
            }
            JupyterMessageContent::CommInfoRequest(_) => {
                let reply = CommInfoReply {
                    status: ReplyStatus::Ok,
                    comms: Default::default(),
                    error: None,
                };
                self.reply(reply, msg).await
            }
            JupyterMessageContent::ShutdownRequest(req) => {
                let reply = ShutdownReply {
                    restart: req.restart,
                    status: ReplyStatus::Ok,
                    error: None,
                };
                self.reply(reply, msg).await;
                self.kernel.shutdown(req.restart, msg).await
            }
            // Belongs on control, but answering it here too costs nothing.
            JupyterMessageContent::InterruptRequest(_) => {
                self.kernel.interrupt();
                self.reply(InterruptReply::new(), msg).await
            }
            // No comm targets are registered: comm messages have nowhere to go.
            other => eprintln!("accel: ignored `{}` on shell", other.message_type()),
        }
        self.publish(Status::idle(), msg).await;
        waiting
    }

    /// Runs the cell. When it fails with `stop_on_error`, returns the requests
    /// queued behind it, taken before the reply goes out: a request sent after the
    /// client saw the error reply is never aborted (nbclient sends the next cell at once).
    async fn execute(
        &mut self,
        msg: &JupyterMessage,
        req: &ExecuteRequest,
        queue: &mut mpsc::UnboundedReceiver<JupyterMessage>,
    ) -> Vec<JupyterMessage> {
        let silent = req.silent;
        let store_history = req.store_history && !silent;
        if store_history {
            self.count += 1;
        }
        let n = ExecutionCount::new(self.count);
        if !silent {
            self.publish(
                ExecuteInput {
                    code: req.code.clone(),
                    execution_count: n,
                },
                msg,
            )
            .await;
        }
        let sink = KernelSink {
            parent: Arc::new(msg.clone()),
            iopub: self.kernel.iopub.clone(),
            stdin: self.kernel.stdin.clone(),
            silent,
            allow_stdin: req.allow_stdin,
        };
        let code = req.code.clone();
        let result = self
            .kernel
            .executor
            .run(move |s| s.execute(&code, &sink))
            .await;
        let result = result.unwrap_or_else(|JobPanicked(why)| {
            Err(CellError::new(
                "InternalError",
                format!("the session panicked: {why}"),
            ))
        });
        let mut output_text = None;
        let mut error = None;
        match result {
            Ok(Some(bundle)) => {
                output_text = bundle
                    .get("text/plain")
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
                if !silent {
                    let content = ExecuteResult {
                        execution_count: n,
                        data: media(bundle),
                        metadata: Default::default(),
                        transient: Some(Transient::default()),
                    };
                    self.publish(content, msg).await;
                }
            }
            Ok(None) => {}
            Err(e) => {
                if !silent {
                    let content = ErrorOutput {
                        ename: e.ename.clone(),
                        evalue: e.evalue.clone(),
                        traceback: e.traceback.clone(),
                    };
                    self.publish(content, msg).await;
                }
                error = Some(e);
            }
        }
        if store_history {
            self.history.record(n.0, &req.code, output_text);
        }
        let user_expressions = match (&error, &req.user_expressions) {
            (None, Some(exprs)) if !exprs.is_empty() => self.user_expressions(exprs.clone()).await,
            _ => HashMap::new(),
        };
        // Outputs go before the reply, so a client that stops listening at the reply misses nothing.
        self.kernel.iopub.flush().await;
        let failed = error.is_some();
        let reply = ExecuteReply {
            status: if failed {
                ReplyStatus::Error
            } else {
                ReplyStatus::Ok
            },
            execution_count: n,
            payload: Vec::new(),
            user_expressions: Some(user_expressions),
            error: error.map(|e| {
                Box::new(ReplyError {
                    ename: e.ename,
                    evalue: e.evalue,
                    traceback: e.traceback,
                })
            }),
        };
        let mut waiting = Vec::new();
        if failed && req.stop_on_error {
            // Let the reader task hand over what already arrived.
            tokio::task::yield_now().await;
            while let Ok(queued) = queue.try_recv() {
                waiting.push(queued);
            }
        }
        self.reply(reply, msg).await;
        waiting
    }

    async fn user_expressions(
        &mut self,
        exprs: HashMap<String, String>,
    ) -> HashMap<String, ExpressionResult> {
        let mut out = HashMap::new();
        for (name, expr) in exprs {
            let done = self
                .kernel
                .executor
                .run(move |s| s.execute(&expr, &NullSink))
                .await;
            let result = match done {
                Ok(Ok(bundle)) => ExpressionResult::Ok {
                    data: media(bundle.unwrap_or_default()),
                    metadata: Default::default(),
                },
                Ok(Err(e)) => ExpressionResult::Error {
                    ename: e.ename,
                    evalue: e.evalue,
                    traceback: e.traceback,
                },
                Err(JobPanicked(why)) => ExpressionResult::Error {
                    ename: "InternalError".into(),
                    evalue: why,
                    traceback: vec![],
                },
            };
            out.insert(name, result);
        }
        out
    }

    /// A cell failed with `stop_on_error`: every execute request that was already
    /// queued is answered `aborted` without running (ipykernel's behaviour); other
    /// requests queued with them are still served, in order.
    async fn abort_or_handle(&mut self, msg: &JupyterMessage) {
        if let JupyterMessageContent::ExecuteRequest(_) = msg.content {
            self.publish(Status::busy(), msg).await;
            let reply = ExecuteReply {
                status: ReplyStatus::Aborted,
                execution_count: ExecutionCount::new(self.count),
                payload: Vec::new(),
                user_expressions: Some(HashMap::new()),
                error: None,
            };
            self.reply(reply, msg).await;
            self.publish(Status::idle(), msg).await;
        } else {
            // Only an execute request can fail; nothing more is queued behind this one.
            let mut none = mpsc::unbounded_channel::<JupyterMessage>().1;
            let more = self.handle(msg, &mut none).await;
            debug_assert!(more.is_empty());
        }
    }
}
