import { describe, expect, it } from 'vitest';
import { pluginSettingsFromEnv } from '../../../prober/adapters/plugin-fs-node.ts';

describe('pluginSettingsFromEnv', () => {
  it('reads the environment once per plugin, however many hook calls ask', () => {
    let walks = 0;
    const env = new Proxy({ BZ_PLUGIN_MY_PLUGIN_TOKEN: 's3cret', BZ_PLUGIN_OTHER_X: '1', PATH: '/bin' } as Record<string, string>, {
      ownKeys: (target) => (walks++, Reflect.ownKeys(target)),
    });
    const settings = pluginSettingsFromEnv(env);
    for (let i = 0; i < 3; i++) expect(settings('my-plugin')).toEqual({ token: 's3cret' });
    expect(settings('other')).toEqual({ x: '1' });
    expect(walks).toBe(2);
  });
});
