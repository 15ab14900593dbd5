/** @module scanner/rules/payment.test — every payment rule finds its positives and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { paymentCases } from './payment.cases.ts';

describeRuleCases('payment rules', paymentCases);
