//! Fuzz target: the whole pipeline, from the bytes of a Compose file to
//! every rendered output format (docs/fuzzing.md).

#![no_main]

#[path = "../pipeline.rs"]
mod pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pipeline::run(data);
});
