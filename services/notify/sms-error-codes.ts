/**
 * What each SMS provider's error code means for a delivery (docs/decisions.md, "SMS providers"):
 *  - retry: rate control and the provider's own faults — back off and send again;
 *  - fallback: this number or this message will not go (an invalid or blacklisted number, a number's daily
 *    quota) — the delivery fails, the other channel covers the person, the operators are told about the contact;
 *  - account: nothing will go until an operator acts (balance, template or signature not approved,
 *    credentials refused) — the delivery fails over to e-mail and one operational alert names the account problem.
 * A code not listed is 'fallback' for an HTTP 4xx / 200 answer and 'retry' for a 5xx.
 */
export type SmsErrorClass = 'retry' | 'fallback' | 'account';

/** Alibaba Cloud Dysmsapi 2017-05-25 (SendSms response Code; POP gateway codes for auth failures). */
export const ALIYUN_ERROR_CLASSES: Readonly<Record<string, SmsErrorClass>> = {
  'isv.BUSINESS_LIMIT_CONTROL': 'retry', // per-number minute/hour flow control
  'isp.SYSTEM_ERROR': 'retry',
  'isp.GATEWAY_ERROR': 'retry',
  'Throttling.User': 'retry',
  'Throttling.Api': 'retry',
  ServiceUnavailable: 'retry',
  'isv.MOBILE_NUMBER_ILLEGAL': 'fallback',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'fallback',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'fallback',
  'isv.DAY_LIMIT_CONTROL': 'fallback', // the number's daily quota: retrying today cannot help
  'isv.PARAM_LENGTH_LIMIT': 'fallback',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'fallback',
  'isv.INVALID_PARAMETERS': 'fallback',
  'isv.SMS_TEMPLATE_ILLEGAL': 'account',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'account',
  'isv.SMS_SIGNATURE_ILLEGAL': 'account',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': 'account',
  'isv.AMOUNT_NOT_ENOUGH': 'account',
  'isv.OUT_OF_SERVICE': 'account',
  'isv.ACCOUNT_NOT_EXISTS': 'account',
  'isv.ACCOUNT_ABNORMAL': 'account',
  'isp.RAM_PERMISSION_DENY': 'account',
  SignatureDoesNotMatch: 'account',
  IncompleteSignature: 'account',
  'InvalidAccessKeyId.NotFound': 'account',
  'InvalidAccessKeyId.Inactive': 'account',
  'InvalidTimeStamp.Expired': 'account', // the host clock is off: every request will fail the same way
};

/** Tencent Cloud SMS API 3.0 (Response.Error.Code, or a number's SendStatusSet[].Code). */
export const TENCENT_ERROR_CLASSES: Readonly<Record<string, SmsErrorClass>> = {
  RequestLimitExceeded: 'retry',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'retry',
  'LimitExceeded.PhoneNumberOneHourLimit': 'retry',
  'InternalError.Timeout': 'retry',
  'InternalError.SendAndRecvFail': 'retry',
  'InternalError.OtherError': 'retry',
  'FailedOperation.JsonParseFail': 'retry',
  'LimitExceeded.PhoneNumberDailyLimit': 'fallback',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': 'fallback',
  'InvalidParameterValue.IncorrectPhoneNumber': 'fallback',
  'FailedOperation.PhoneNumberInBlacklist': 'fallback',
  'FailedOperation.PhoneNumberOnBlacklist': 'fallback',
  'InvalidParameterValue.TemplateParameterLengthLimit': 'fallback',
  'InvalidParameterValue.TemplateParameterFormatError': 'fallback',
  'FailedOperation.ContainSensitiveWord': 'fallback',
  'FailedOperation.TemplateIncorrectOrUnapproved': 'account',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'account',
  'FailedOperation.InsufficientBalanceInSmsPackage': 'account',
  'FailedOperation.MissingTemplateToModify': 'account',
  'LimitExceeded.AppDailyLimit': 'account',
  'LimitExceeded.DailyLimit': 'account',
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': 'account',
  'UnauthorizedOperation.ServiceSuspendDueToArrears': 'account',
  'AuthFailure.SignatureFailure': 'account',
  'AuthFailure.SignatureExpire': 'account',
  'AuthFailure.SecretIdNotFound': 'account',
  'AuthFailure.InvalidSecretId': 'account',
  'InternalError.RequestTimeException': 'account', // the host clock is off
};

export function classifySmsCode(
  table: Readonly<Record<string, SmsErrorClass>>,
  code: string,
  httpStatus: number,
): SmsErrorClass {
  const known = table[code];
  if (known) return known;
  if (code.startsWith('InternalError.') || code.startsWith('isp.')) return 'retry';
  return httpStatus === 429 || httpStatus >= 500 ? 'retry' : 'fallback';
}
