fn main() -> std::process::ExitCode {
    dockmaster::cli::main()
}
