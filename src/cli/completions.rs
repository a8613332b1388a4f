//! `completions SHELL`: a completion script for the shell, made from the same
//! argument tree as `--help`, so that it offers every command and option and
//! describes them in the user's language.

use clap::Args;
use clap_complete::Shell;

use super::CliResult;
use crate::i18n::Catalog;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_parser = super::plain_values::<Shell>())]
    shell: Shell,
}

pub fn print(args: &CompletionsArgs, catalog: &Catalog) -> CliResult {
    let mut command = super::help::localized(catalog);
    clap_complete::generate(
        args.shell,
        &mut command,
        "tierdeck",
        &mut std::io::stdout().lock(),
    );
    Ok(())
}
