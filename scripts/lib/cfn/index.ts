// The CloudFormation toolkit every tool here shares: intrinsic names and calls, the reference
// walker, the Fn::Sub parser, the template type and loader, paths, and "did you mean".
export * from './intrinsics.js';
export * from './paths.js';
export * from './references.js';
export * from './sub.js';
export * from './suggest.js';
export * from './template.js';
export * from './typed.js';
