export * from './define-settings.ts';
export * from './setting-kinds.ts';
export * from './shared-settings.ts';
export * from './value-checks.ts';
