// Placeholder until the wizard lands (issue 3): the non-interactive path is complete without it.
export async function runWizardCommand(_flags: Record<string, unknown>): Promise<number> {
  process.stderr.write('gitlab-registry-login: the wizard is not built yet; use `verify` or `login` (see --help)\n');
  return 2;
}
