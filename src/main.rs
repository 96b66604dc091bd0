/// mimalloc: dockmaster allocates many small, short-lived values (YAML
/// nodes, model values, findings) on several threads, where it is markedly
/// faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dockmaster::cli::main()
}
