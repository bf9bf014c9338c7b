//! git's pre-push stdin: never a panic, and every accepted line is well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(lines) = relgate::hook::parse_pre_push(data) {
        for l in &lines {
            assert!(!l.local_ref.is_empty() && !l.remote_ref.is_empty());
            assert!(matches!(l.local_oid.0.len(), 40 | 64));
            assert_eq!(l.local_oid.0.len(), l.remote_oid.0.len());
            let _ = (l.is_create(), l.is_delete(), l.remote_ref_lossy());
        }
    }
});
