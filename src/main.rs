//! The `itp-diary` binary: parse, dispatch, exit code. Everything else lives in the library.

fn main() -> std::process::ExitCode {
    itp_diary::cli::main()
}
