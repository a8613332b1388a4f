use std::process::ExitCode;

fn main() -> ExitCode {
    // Like any Unix filter, end quietly when the reader of the output goes
    // away (`tierdeck list | head`) instead of failing on a broken pipe.
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tierdeck::cli::main()
}
