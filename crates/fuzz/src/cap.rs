//! The memory guard: a global allocator over the system's that counts the bytes live in
//! the process. An allocation that would take them over [`CAP_BYTES`] is refused, after
//! the installed hook had its say (the driver's hook reports the input and ends the
//! worker: a refused allocation would otherwise abort the process with no word of which
//! input did it). The peak is kept so a run can say how much its worst input took.
//!
//! Only a binary that installs [`Capped`] as its `#[global_allocator]` is guarded (the
//! fuzz driver does; the regression test does not need to).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The most bytes live at once: the "no allocation over 1 GB".
pub const CAP_BYTES: usize = 1 << 30;

static CAP: AtomicUsize = AtomicUsize::new(CAP_BYTES);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TRIPPED: AtomicBool = AtomicBool::new(false);
static HOOK: OnceLock<fn(usize)> = OnceLock::new();

/// The counting allocator (see the module docs).
pub struct Capped;

/// Called once, with the refused request's size, when the cap is first reached.
pub fn on_over_cap(hook: fn(usize)) {
    let _ = HOOK.set(hook);
}

/// Sets the cap (a lower one checks that the guard works: `STUDYDESK_FUZZ_CAP_MB`).
pub fn set_cap(bytes: usize) {
    CAP.store(bytes, Ordering::Relaxed);
}

/// Bytes live now.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most bytes live since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

pub fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

fn admit(size: usize) -> bool {
    let now = LIVE.fetch_add(size, Ordering::Relaxed).saturating_add(size);
    if now > CAP.load(Ordering::Relaxed) {
        LIVE.fetch_sub(size, Ordering::Relaxed);
        // The hook may allocate (a few small buffers): those are admitted, since the
        // refused request was not counted; it runs once.
        if !TRIPPED.swap(true, Ordering::SeqCst) {
            if let Some(hook) = HOOK.get() {
                hook(size);
            }
        }
        return false;
    }
    PEAK.fetch_max(now, Ordering::Relaxed);
    true
}

unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !admit(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                LIVE.fetch_sub(new_size - old, Ordering::Relaxed);
            }
        } else if new_size < old {
            LIVE.fetch_sub(old - new_size, Ordering::Relaxed);
        }
        p
    }
}
