"""Strings of the monthly death reports (village and unit reports, township and county consolidation, the
late list and reminders), in the three client languages; merged into CATALOGS."""

ZH_HANS: dict[str, str] = {
    "error.death_report_month_invalid": "死亡人员月报只能报送已经结束的月份（如上月），请选择正确的月份。",
    "error.death_report_unit_invalid": "请选择要报送的村（社区）；单位管理员只能为本单位报送。",
    "error.death_report_none_with_rows": "已勾选“本月无死亡人员”，就不能再填写死亡人员；请二选一。",
    "error.death_report_empty": "请填写本月死亡人员，或勾选“本月无死亡人员”。",
    "error.death_report_id_invalid": "有一行的身份证号码不正确，请核对后再报送。",
    "error.death_report_duplicate_row": "同一个人填写了两次，请删去重复的一行。",
    "error.death_report_date_invalid": "有一行的死亡日期晚于所报月份，请核对。",
    "error.death_report_locked": "上级已汇总本月月报，不能再修改；如需更正请联系上级经办人员。",
    "error.death_report_conflict": "本月月报刚刚由他人报送，请刷新后查看。",
    "error.death_report_not_consolidating": "只有乡镇（街道）和县（区）汇总死亡人员月报。",
    "error.death_report_consolidated": "本月已经汇总过了。",
    "error.death_report_missing": "还有单位未报送本月月报：请等待报送，或在其逾期后标记为逾期再汇总。",
    "error.death_report_missing_not_due": "未报送的单位还没到报送期限，请等待。",
}

ZH_HANT: dict[str, str] = {
    "error.death_report_month_invalid": "死亡人員月報只能報送已經結束的月份（如上月），請選擇正確的月份。",
    "error.death_report_unit_invalid": "請選擇要報送的村（社區）；單位管理員只能為本單位報送。",
    "error.death_report_none_with_rows": "已勾選「本月無死亡人員」，就不能再填寫死亡人員；請二選一。",
    "error.death_report_empty": "請填寫本月死亡人員，或勾選「本月無死亡人員」。",
    "error.death_report_id_invalid": "有一行的身分證號碼不正確，請核對後再報送。",
    "error.death_report_duplicate_row": "同一個人填寫了兩次，請刪去重複的一行。",
    "error.death_report_date_invalid": "有一行的死亡日期晚於所報月份，請核對。",
    "error.death_report_locked": "上級已彙總本月月報，不能再修改；如需更正請聯繫上級經辦人員。",
    "error.death_report_conflict": "本月月報剛剛由他人報送，請重新整理後查看。",
    "error.death_report_not_consolidating": "只有鄉鎮（街道）和縣（區）彙總死亡人員月報。",
    "error.death_report_consolidated": "本月已經彙總過了。",
    "error.death_report_missing": "還有單位未報送本月月報：請等待報送，或在其逾期後標記為逾期再彙總。",
    "error.death_report_missing_not_due": "未報送的單位還沒到報送期限，請等待。",
}

EN: dict[str, str] = {
    "error.death_report_month_invalid": "Death reports are about a month that has ended (e.g. last month).",
    "error.death_report_unit_invalid": "Choose the village to report for; a unit administrator reports for "
    "the unit.",
    "error.death_report_none_with_rows": "A report is a list of deaths or 'none this month', not both.",
    "error.death_report_empty": "List the deaths of the month, or tick 'none this month'.",
    "error.death_report_id_invalid": "A row's ID number is not valid; check it and send again.",
    "error.death_report_duplicate_row": "The same person is listed twice; remove one of the rows.",
    "error.death_report_date_invalid": "A row's date of death is after the reported month.",
    "error.death_report_locked": "The level above has consolidated this month: the report can no longer be "
    "changed; ask them to correct it.",
    "error.death_report_conflict": "This report was just submitted by someone else; reload to see it.",
    "error.death_report_not_consolidating": "Only a township or a county consolidates monthly death reports.",
    "error.death_report_consolidated": "This month is already consolidated here.",
    "error.death_report_missing": "Some units have not reported this month: wait for them, or consolidate "
    "without them once they are late.",
    "error.death_report_missing_not_due": "Units that have not reported are still before their deadline: "
    "wait for them.",
}
