// @ts-check
/**
 * Module boundaries (DESIGN.md "Modules"), checked by `npm run lint`.
 *
 * Layers, bottom up: config/ (imports no other folder), common/ (generic
 * primitives: imports config/ only), then database/ and the feature folders,
 * which may import downwards but never in a circle. src/*.ts at the top
 * (main, app.module, app.factory) is the composition root and may import all.
 *
 * Type-only imports count: a type is as much a dependency of the design as a
 * value, even if the compiler erases it.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'config-imports-no-folder',
      severity: 'error',
      comment: 'config/ is the bottom layer: it must not import any other folder of src/.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'common-imports-no-feature',
      severity: 'error',
      comment:
        'common/ holds generic primitives (decorators, errors, crypto, cache): it imports no feature ' +
        'folder. Declare a port in common/ and let the feature implement it instead.',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/(common|config)/' },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders form a cycle: one of them must stop importing the other (move the code to the folder ' +
        'that owns it, or invert the dependency with a port).',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment: 'Files import each other in a circle.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-imports-no-tests',
      severity: 'error',
      comment: 'Production code never imports test or benchmark code.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    moduleSystems: ['cjs', 'es6'],
  },
};
