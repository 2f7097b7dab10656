import { expect, test } from 'vitest';
import { stubHttp } from '../helpers/fakes.js';

test('stubHttp answers from its stubs and refuses a request no stub answers', async () => {
  const { client } = stubHttp({ 'https://r.example/v2/': { status: 401 } });
  expect((await client.get('https://r.example/v2/')).status).toBe(401);
  await expect(client.get('https://r.example/other')).rejects.toThrow(/no stub for GET https:\/\/r\.example\/other/);
});

test('stubHttp lists the stubs never used (and fails the test on them when it ends)', async () => {
  const { client, unused } = stubHttp({ 'https://a.example/': { status: 200 }, 'https://b.example/': { status: 200 } }, { checkUsed: false });
  await client.get('https://a.example/');
  expect(unused()).toEqual(['https://b.example/']);
});

test.fails('a test with a stub it never uses fails', () => {
  stubHttp({ 'https://never.example/': { status: 200 } });
});
