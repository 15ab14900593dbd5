/** @module scanner/rules/messaging.test — every chat and mail rule finds its positives and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { messagingCases } from './messaging.cases.ts';

describeRuleCases('chat and mail rules', messagingCases);
