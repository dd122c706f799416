//! A kernel whose frontend died must not live on (and keep its evcxr child, a CPU-bound cell
//! and gigabytes of variables). Like ipykernel's parent poller: a thread checks twice a
//! second whether
//! * the process named by `JPY_PARENT_PID` (set by jupyter_client for the kernels it starts)
//!   is gone, or
//! * this process was re-parented — `getppid()` differs from the parent it started with (its
//!   parent died; the new parent is init or a subreaper). Not checked when the kernel starts
//!   as a child of PID 1 (a container's init or a daemon), which is not a frontend.
//!
//! Then the kernel removes its evcxr build directory and exits; evcxr's child dies with it
//! (it asks for SIGKILL on its parent's death, see `main`).

use std::time::Duration;

const POLL: Duration = Duration::from_millis(500);

/// Starts the watcher thread (Linux/Unix only; a no-op where there is nothing to watch).
pub fn spawn() {
    // SAFETY: getppid has no preconditions and cannot fail.
    let start_parent = unsafe { libc::getppid() };
    let jpy_parent = std::env::var("JPY_PARENT_PID")
        .ok()
        .and_then(|v| v.trim().parse::<libc::pid_t>().ok())
        .filter(|&p| p > 1);
    if start_parent <= 1 && jpy_parent.is_none() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("accel-parent-watch".to_owned())
        .spawn(move || loop {
            std::thread::sleep(POLL);
            if let Some(why) = orphaned(start_parent, jpy_parent) {
                eprintln!("accel: {why}; exiting");
                crate::rustc_tier::workdir::remove();
                std::process::exit(0);
            }
        });
    if let Err(error) = spawned {
        eprintln!("accel: cannot watch the parent process ({error}); an orphaned kernel will not exit by itself");
    }
}

fn orphaned(start_parent: libc::pid_t, jpy_parent: Option<libc::pid_t>) -> Option<String> {
    // SAFETY: as above.
    let parent = unsafe { libc::getppid() };
    if start_parent > 1 && parent != start_parent {
        return Some(format!("the parent process {start_parent} died"));
    }
    if let Some(pid) = jpy_parent {
        // SAFETY: signal 0 only checks that the process exists; it sends nothing.
        let gone = unsafe { libc::kill(pid, 0) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            return Some(format!("JPY_PARENT_PID {pid} is gone"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::orphaned;

    #[test]
    fn live_parents_are_not_orphans() {
        // SAFETY: as above.
        let (me, parent) = unsafe { (libc::getpid(), libc::getppid()) };
        assert_eq!(orphaned(parent, Some(me)), None);
        assert!(
            orphaned(parent + 1, None).is_some(),
            "a different parent means re-parented"
        );
        // pid_max is at most 2^22 on Linux: this pid cannot exist.
        assert!(orphaned(parent, Some(1 << 23)).is_some());
    }
}
