"""Texts of the newcomer path, the elderly-first details of status and other ways, the public receipt
page and certificate, and spoken guidance — kept apart from the main catalogs so each can be reviewed in one
place; merged into every language by ``shared/i18n/__init__.py``."""

ZH_HANS: dict[str, str] = {
    "result.review": "正在人工审核：{date} 已提交",
    "result.review.expected": "预计 {date} 以前有结果",
    "result.review.reference": "受理编号：{reference}",
    "result.certify": "去认证",
    "alt.call": "打电话给社保经办机构：{phone}",
}

ZH_HANT: dict[str, str] = {
    "result.review": "正在人工審核：{date} 已提交",
    "result.review.expected": "預計 {date} 以前有結果",
    "result.review.reference": "受理編號：{reference}",
    "result.certify": "去認證",
    "alt.call": "打電話給社保經辦機構：{phone}",
}

EN: dict[str, str] = {
    "result.review": "Waiting for a reviewer: sent on {date}",
    "result.review.expected": "Answer expected by {date}",
    "result.review.reference": "Reference: {reference}",
    "result.certify": "Certify now",
    "alt.call": "Call the social-insurance office: {phone}",
}
