import { describe, expect, test } from 'vitest';
import { Command, Option } from 'commander';
import { runCli, type Handlers } from '../../src/program.js';
import { addOptions } from '../../src/commands/options.js';
import { CREDENTIAL_TYPES } from '../../src/core/choices.js';

/** argv → the typed flags a command gets, with the real program definitions (src/program.ts), in-process. */
async function parse(argv: string[]) {
  const calls: Array<[keyof Handlers, unknown]> = [];
  const record =
    (name: keyof Handlers) =>
    async (flags: unknown): Promise<number> => {
      calls.push([name, flags]);
      return 0;
    };
  const handlers: Handlers = {
    verify: record('verify'),
    login: record('login'),
    logout: record('logout'),
    renew: record('renew'),
    status: record('status'),
    snippet: record('snippet'),
    doctor: record('doctor'),
    wizard: record('wizard'),
  };
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, handlers, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, calls, stdout, stderr, flags: calls[0]?.[1] };
}

describe('argv → typed flags: values arrive parsed and checked', () => {
  test("verify: choices as typed values, --timeout in seconds as a number, docker's positional registry beside them", async () => {
    const r = await parse([
      'verify',
      'registry.example.com',
      '--type',
      'job-token',
      '--access',
      'push',
      '--timeout',
      '2.5',
      '--project',
      'group/app',
      '--token-stdin',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.calls.map(([name]) => name)).toEqual(['verify']);
    expect(r.flags).toEqual({
      registryArgument: 'registry.example.com',
      type: 'job-token',
      access: 'push',
      timeout: 2.5,
      project: 'group/app',
      tokenStdin: true,
      json: true,
    });
  });

  test("login: docker's syntax (-u, --password-stdin), --engine and --insecure-storage", async () => {
    const r = await parse(['login', 'r.example', '-u', 'alice', '--password-stdin', '--engine', 'podman', '--insecure-storage']);
    expect(r.calls).toEqual([['login', { registryArgument: 'r.example', username: 'alice', passwordStdin: true, engine: 'podman', insecureStorage: true }]]);
  });

  test('renew --days: a whole number', async () => {
    expect((await parse(['renew', '--days', '30', '--registry', 'r.example'])).flags).toEqual({ days: 30, registry: 'r.example' });
  });

  test('status, logout, doctor and snippet get their own flags only', async () => {
    expect((await parse(['status', '--engine', 'docker', '--timeout', '600', '--trust-realm'])).flags).toEqual({
      engine: 'docker',
      timeout: 600,
      trustRealm: true,
    });
    expect((await parse(['logout', '--registry', 'r.example', '--engine', 'auto'])).flags).toEqual({ registry: 'r.example', engine: 'auto' });
    expect((await parse(['doctor', '--error', '-', '--type', 'deploy-token'])).flags).toEqual({ error: '-', type: 'deploy-token' });
    expect((await parse(['snippet', '--type', 'deploy-token', '--access', 'push'])).flags).toEqual({ type: 'deploy-token', access: 'push' });
  });

  test('no command: the wizard, with the flags as typed values', async () => {
    expect((await parse(['--type', 'personal-access-token', '--forget'])).calls).toEqual([['wizard', { type: 'personal-access-token', forget: true }]]);
  });

  test('every credential type is a choice of --type', async () => {
    for (const type of CREDENTIAL_TYPES) expect((await parse(['verify', '--type', type])).flags).toEqual({ type });
  });
});

describe('a bad value: exit 2, one line naming the flag in our words, the command never runs', () => {
  test.each([
    [
      ['verify', '--type', 'password'],
      '--type: --type must be one of personal-access-token, deploy-token, project-access-token, group-access-token, job-token, ci-registry-password (got "password")',
    ],
    [['login', '--access', 'write'], '--access: --access must be one of pull, push (got "write")'],
    [['login', '--engine', 'docker-desktop'], '--engine: --engine must be one of docker, podman, auto (got "docker-desktop")'],
    [['status', '--engine', 'x'], '--engine: --engine must be one of docker, podman, auto'],
    [
      ['snippet', '--type', 'personal-access-token'],
      '--type: --type must be one of ci-registry-password, job-token, deploy-token (got "personal-access-token")',
    ],
    [['snippet', '--type', 'job-token', '--access', 'all'], '--access: --access must be one of pull, push'],
    [['snippet'], '--type: missing --type (ci-registry-password|job-token|deploy-token)'],
    [['snippet', '--access', 'push'], '--type: missing --type (ci-registry-password|job-token|deploy-token)'],
    [['verify', '--timeout', '0'], '--timeout: --timeout takes seconds, more than 0 and at most 600'],
    [['verify', '--timeout', '601'], '--timeout: --timeout takes seconds'],
    [['status', '--timeout', 'soon'], '--timeout: --timeout takes seconds'],
    [['renew', '--timeout', '-1'], '--timeout: --timeout takes seconds'],
    [['renew', '--days', '400'], "--days: --days takes whole days, 1 to 365 (GitLab's longest token lifetime)"],
    [['renew', '--days', '0'], '--days: --days takes whole days'],
    [['renew', '--days', '1.5'], '--days: --days takes whole days'],
    [['--type', 'nope'], '--type: --type must be one of'],
    [['login', '-p', 'secret'], '-p/--password: a password in the command line is visible to every process'],
  ])('%j', async (argv, message) => {
    const r = await parse(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`gitlab-registry-login: ${message}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.calls).toEqual([]);
  });

  test('a value quoted back is shown in printable ASCII only', async () => {
    const r = await parse(['verify', '--type', 'x\u001b[2Jy\u009b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(got "x?[2Jy?")');
  });

  test("commander's own usage errors: exit 2 too", async () => {
    expect((await parse(['verify', '--registyr', 'x'])).code).toBe(2);
    expect((await parse(['verify', 'a', 'b'])).code).toBe(2);
    expect((await parse(['verify', '--type'])).code).toBe(2);
  });
});

describe('--help lists the choices; --help and --version exit 0 and run nothing', () => {
  test('verify --help', async () => {
    const r = await parse(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`(choices: ${CREDENTIAL_TYPES.map((t) => `"${t}"`).join(', ')})`);
    expect(r.stdout).toContain('(choices: "pull", "push")');
    expect(r.stdout).not.toContain('--engine'); // hidden on verify
    expect(r.stdout).not.toContain('--password <'); // hidden: refused when given
  });

  test('the options are made only when needed, yet every help shows them: `help verify`, and the command list', async () => {
    const help = await parse(['help', 'verify']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('(choices: "pull", "push")');
    const root = await parse(['--help']);
    expect(root.stdout).toContain('verify [options] [registry]');
    expect(root.stdout).toContain('snippet [options]');
  });

  test('status --help and --version', async () => {
    expect((await parse(['status', '--help'])).stdout).toContain('(choices: "docker", "podman", "auto")');
    const v = await parse(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

test("a table's key must be the name commander stores the option under (else the typed flags would miss it)", () => {
  expect(() => addOptions(new Command('x'), { trust: { make: () => new Option('--trust-realm') } })).toThrow(
    /--trust-realm is stored as trustRealm, not trust/,
  );
  expect(() => addOptions(new Command('x'), { trustRealm: { make: () => new Option('--trust-realm') } })).not.toThrow();
});
