use std::process::ExitCode;

fn main() -> ExitCode {
    tierdeck::cli::main()
}
