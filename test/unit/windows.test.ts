/** Windows behaviour with the platform injected (these run on Linux; see README "Tested on Linux only"). */
import { describe, expect, test } from 'vitest';
import { findOnPath, type LookupHost } from '../../src/core/which.js';
import { launchPlan, stopPlan } from '../../src/core/process.js';
import { podmanAuthFile } from '../../src/core/authconfig.js';

/** A Windows machine whose files are `present` (case-insensitive, as NTFS). */
const windows = (present: string[]): LookupHost => ({
  platform: 'win32',
  isExecutable: (f) => present.some((p) => p.toLowerCase() === f.toLowerCase()),
});

describe('findOnPath on Windows', () => {
  test('docker.exe is found through PATHEXT, in PATH order', () => {
    const host = windows(['C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe', 'C:\\tools\\docker.exe']);
    const env = { Path: 'C:\\Windows\\system32;C:\\Program Files\\Docker\\Docker\\resources\\bin;C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD' };
    expect(findOnPath('docker', env, host)).toBe('C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe');
  });
  test('a credential helper as .exe or .cmd; PATHEXT order decides; a quoted PATH entry works', () => {
    const env = { PATH: '"C:\\Users\\me\\bin";C:\\other', PATHEXT: '.EXE;.CMD' };
    expect(findOnPath('docker-credential-wincred', env, windows(['C:\\Users\\me\\bin\\docker-credential-wincred.exe']))).toBe(
      'C:\\Users\\me\\bin\\docker-credential-wincred.exe',
    );
    expect(findOnPath('docker-credential-glab', env, windows(['C:\\other\\docker-credential-glab.cmd']))).toBe('C:\\other\\docker-credential-glab.cmd');
  });
  test('without PATHEXT the default .COM;.EXE;.BAT;.CMD applies; a name with its extension is taken as is', () => {
    const host = windows(['C:\\bin\\podman.exe']);
    expect(findOnPath('podman', { PATH: 'C:\\bin' }, host)).toBe('C:\\bin\\podman.exe');
    expect(findOnPath('podman.exe', { PATH: 'C:\\bin' }, host)).toBe('C:\\bin\\podman.exe');
  });
  test('a file without an executable extension is not a program on Windows', () => {
    expect(findOnPath('docker', { PATH: 'C:\\bin', PATHEXT: '.EXE' }, windows(['C:\\bin\\docker']))).toBeUndefined();
  });
  test('on Linux no extension is added and PATH splits at ":"', () => {
    const linux: LookupHost = { platform: 'linux', isExecutable: (f) => f === '/usr/bin/docker' };
    expect(findOnPath('docker', { PATH: '/opt/x:/usr/bin', PATHEXT: '.EXE' }, linux)).toBe('/usr/bin/docker');
  });
});

describe('stopping and starting programs on Windows', () => {
  test('a hung engine and its children: taskkill /T /F /PID, never a negative pid', () => {
    expect(stopPlan(4242, 'SIGTERM', 'win32')).toEqual({ run: ['taskkill', ['/T', '/F', '/PID', '4242']] });
    expect(stopPlan(4242, 'SIGTERM', 'linux')).toEqual({ kill: [-4242, 'SIGTERM'] });
  });
  test('an .exe runs directly and not detached (no process groups there); POSIX runs detached as a group leader', () => {
    expect(launchPlan('C:\\bin\\docker.exe', ['login'], {}, 'win32')).toEqual({
      file: 'C:\\bin\\docker.exe',
      args: ['login'],
      detached: false,
      verbatim: false,
    });
    expect(launchPlan('/usr/bin/docker', ['login'], {}, 'linux')).toEqual({ file: '/usr/bin/docker', args: ['login'], detached: true, verbatim: false });
  });
  test('a .cmd helper runs through cmd.exe, quoted; anything cmd.exe would interpret is refused', () => {
    expect(launchPlan('C:\\bin\\docker-credential-x.cmd', ['list'], { ComSpec: 'C:\\Windows\\system32\\cmd.exe' }, 'win32')).toEqual({
      file: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/s', '/c', '""C:\\bin\\docker-credential-x.cmd" "list""'],
      detached: false,
      verbatim: true,
    });
    expect(() => launchPlan('C:\\bin\\x.bat', ['a&calc'], {}, 'win32')).toThrow(/cmd\.exe/);
    expect(() => launchPlan('C:\\bin\\x.cmd', ['%PATH%'], {}, 'win32')).toThrow(/cmd\.exe/);
  });
  test("podman's auth file off Linux is $HOME/.config/containers/auth.json (containers/image)", () => {
    expect(podmanAuthFile({ HOME: 'C:\\Users\\me' }, { platform: 'win32', uid: undefined, exists: () => false })).toBe(
      'C:\\Users\\me\\.config\\containers\\auth.json',
    );
  });
});
