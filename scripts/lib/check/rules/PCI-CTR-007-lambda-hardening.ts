// Functions (e.g. secret rotation) run inside the VPC on a supported runtime, with environment
// variables encrypted by a customer-managed key.
import { cmkProblem, eachResource, list, record } from '../rule-kit.js';
import type { Rule } from '../types.js';

const TYPES = ['AWS::Lambda::Function'] as const;
/** Runtimes past their deprecation date (AWS Lambda runtime deprecation policy). */
const DEPRECATED = /^(python2\.7|python3\.[6-8]|nodejs|nodejs[4-9]\.\d+|nodejs1[0-6]\.x|java8|dotnetcore\d\.\d|dotnet[5-6]\.0|ruby2\.\d|go1\.x|provided)$/;

const rule: Rule = {
  id: 'PCI-CTR-007',
  title: 'Lambda functions run in the VPC on a supported runtime with CMK-encrypted environment',
  requirements: ['1.3.1', '6.3.3', '3.5.1'],
  references: { securityHub: ['Lambda.2', 'Lambda.3'], configRules: ['lambda-inside-vpc', 'lambda-function-settings-check'] },
  resourceTypes: TYPES,
  notChecked: "the function code and its dependencies (6.2: the entity's); Lambda runtime patching is AWS's",
  check: (ctx) =>
    eachResource(
      ctx,
      TYPES,
      (fn) => {
        const p = fn.properties;
        const vpc = record(p.VpcConfig);
        const variables = Object.keys(record(record(p.Environment).Variables));
        return [
          (list(vpc.SubnetIds).length === 0 || list(vpc.SecurityGroupIds).length === 0) && 'no VpcConfig (subnets and security groups): the function runs outside the VPC',
          typeof p.Runtime === 'string' && DEPRECATED.test(p.Runtime) && `Runtime ${p.Runtime} is deprecated (no security patches)`,
          variables.length > 0 && cmkProblem(ctx, fn, p.KmsKeyArn, ['Secrets', 'Storage'], 'environment variables (KmsKeyArn)'),
        ];
      },
      'in the VPC, supported runtime, environment encrypted with a CMK',
    ),
};
export default rule;
