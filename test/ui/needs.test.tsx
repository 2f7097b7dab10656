/** The wizard's "What you need" screen tells each credential type's truth. */
import { expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { Needs } from '../../src/ui/steps.js';
import { until } from './helpers.js';

test('a deploy token is never told "api works too" (deploy tokens have no api scope)', async () => {
  const { lastFrame, unmount } = render(
    <Needs gitlab="https://gitlab.example.com" type="deploy-token" access="push" project="acme/app" links={false} canOpen={false} />,
  );
  const f = await until(lastFrame, 'What you need');
  expect(f).toContain('read_registry + write_registry');
  expect(f).not.toMatch(/api works/);
  expect(f).toContain('deploy tokens have no api scope');
  unmount();
});

test('a personal access token may use api, and an unknown version gets both token pages', async () => {
  const { lastFrame, unmount } = render(<Needs gitlab="https://gitlab.example.com" type="personal-access-token" access="pull" links={false} canOpen={false} />);
  const f = (await until(lastFrame, 'What you need')).replace(/\s+/g, ' ');
  expect(f).toContain('api works too');
  expect(f.replace(/\s/g, '')).toContain('/-/profile/personal_access_tokens?');
  expect(f).toContain('Before GitLab 16.7');
  unmount();
});

test('before a push check, the screen says GitLab records an empty repository entry on a path without images; not for pull', async () => {
  const push = render(
    <Needs gitlab="https://gitlab.example.com" type="personal-access-token" access="push" project="acme/app" links={false} canOpen={false} />,
  );
  const f = (await until(push.lastFrame, 'What you need')).replace(/\s+/g, ' ');
  expect(f).toContain('Checking push on acme/app: if it has no images yet, GitLab records an empty repository entry there');
  push.unmount();
  const pull = render(
    <Needs gitlab="https://gitlab.example.com" type="personal-access-token" access="pull" project="acme/app" links={false} canOpen={false} />,
  );
  expect((await until(pull.lastFrame, 'What you need')).replace(/\s+/g, ' ')).not.toContain('empty repository entry');
  pull.unmount();
});
