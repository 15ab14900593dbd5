/** @module scanner/rules/generic.test — every generic rule finds its positives and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { genericCases } from './generic.cases.ts';

describeRuleCases('generic rules', genericCases);
