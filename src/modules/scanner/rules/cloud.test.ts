/** @module scanner/rules/cloud.test — every cloud rule finds its positive examples and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { cloudCases } from './cloud.cases.ts';

describeRuleCases('cloud rules', cloudCases);
