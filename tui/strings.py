"""Every Russian string the app shows, in one place so the wording stays consistent."""

TITLE = "Электронный журнал"

# keys (footer descriptions)
KEY_QUIT = "Выход"
KEY_SWITCH_USER = "Сменить пользователя"
KEY_LOCK = "Заблокировать"
KEY_REDRAW = "Перерисовать экран"
KEY_SAVE = "Сохранить"
KEY_PREV_WEEK = "Неделя назад"
KEY_NEXT_WEEK = "Вперёд"
KEY_THIS_WEEK = "Эта неделя"
KEY_CHILD = "Ребёнок"
KEY_MARKS = "Отметки/неделя"
KEY_PERIOD = "Другой период"

# login
LOGIN_LABEL = "Логин"
PASSWORD_LABEL = "Пароль"
LOGIN_HINT = "Введите логин и пароль, Enter — войти."
CHECKING = "Проверяем…"
EMPTY_FIELDS = "Введите логин и пароль."

# password change
CHANGE_TITLE = "Смена пароля"
CHANGE_FORCED = (
    "Вы вошли с выданным паролем. Придумайте свой: не короче 8 символов и не совпадающий с логином."
)
NEW_PASSWORD = "Новый пароль"
REPEAT_PASSWORD = "Повторите новый пароль"
MISMATCH = "Пароли не совпадают."
PASSWORD_CHANGED = "Пароль изменён."

# idle lock
LOCKED_TITLE = "Сеанс заблокирован"
LOCKED_TEXT = "{name}: сеанс заблокирован после бездействия. Введите свой пароль, чтобы продолжить."
LOCKED_BY_KEY_TEXT = "{name}: сеанс заблокирован клавишей F12. Введите свой пароль, чтобы продолжить."
UNLOCK_FAILED = (
    "Пароль неверный. Неудачные попытки считаются, как при входе: после нескольких подряд вход блокируется."
)
UNLOCK_CHECKING = "Проверяем…"

# home
LAST_LOGIN = "Последний вход: {at:%d.%m.%Y %H:%M} с {source}"
FIRST_LOGIN = "Это ваш первый вход в журнал."
LOCAL_SOURCE = "этого компьютера"
HOME_HINT = "Разделы журнала открываются клавишами внизу экрана и через Ctrl+P."

# diary
DIARY_TITLE = "Дневник: {name}, {class_name}"
NO_CHILDREN = "К вашей учётной записи не привязан ни один учащийся. Обратитесь к классному руководителю."
NO_LESSONS = "уроков нет"
WEEK_OF = "Неделя {start:%d.%m} – {end:%d.%m.%Y}"
KEY_ACKNOWLEDGE = "Ознакомлен(а)"
WEEK_ACKNOWLEDGED = "ознакомлен(а) {at:%d.%m %H:%M}"
ACKNOWLEDGE_GUARDIANS_ONLY = "«Ознакомлен(а)» отмечает родитель."
AN_COL_ACK = "Ознак."
COL_DAY = "День"
COL_NUMBER = "№"
COL_SUBJECT = "Предмет"
COL_ENTRY = "Отм."
COL_TOPIC = "Тема и домашнее задание"
COL_MARKS = "Отметки"
COL_AVG = "Ср."
COL_WAVG = "Ср.взв."
COL_FINAL = "Итог"
NO_MARKS = "За этот период отметок нет."

# dialogs
KEY_YES = "Да"
KEY_NO = "Нет"
KEY_CLOSE = "Закрыть"
KEY_CANCEL = "Отмена"
KEY_SAVE_SLIP = "Сохранить бланк"
CONFIRM_HINT = "Enter или Д — да, Esc или Н — нет."
SECRET_TITLE = "Одноразовый пароль"
SECRET_FOR = "Для: {person}"
SECRET_HINT = (
    "Пароль показан один раз: журнал хранит только его хеш. Передайте его лично этому человеку; "
    "при первом входе он задаст свой."
)
SECRET_SAVE_HINT = (
    " S — бланк для печати (PDF): он будет в «Мои файлы» и удалится после скачивания или через сутки."
)

# home and navigation
KEY_ACCOUNTS = "Учётные записи"
KEY_CREDENTIALS = "Реквизиты дневника"
KEY_BACK = "Назад"

# staff accounts (admin)
ACCOUNTS_TITLE = "Учётные записи сотрудников"
KEY_NEW = "Новая"
KEY_EDIT = "Изменить"
KEY_DISABLE = "Откл./вкл."
KEY_RESET = "Сбросить пароль"
KEY_UNLOCK_USER = "Снять блокировку"
COL_LOGIN = "Логин"
COL_NAME = "ФИО"
COL_ROLE = "Роль"
COL_STATUS = "Состояние"
STATUS_ACTIVE = "активна"
STATUS_DISABLED = "отключена"
STATUS_LOCKED = "заблокирована до {until:%H:%M}"
STATUS_NEW = "ждёт первого входа"
NEW_USER_TITLE = "Новый сотрудник"
EDIT_USER_TITLE = "Сотрудник: {login}"
F_LOGIN = "Логин (латиницей)"
F_SURNAME = "Фамилия"
F_FIRST_NAME = "Имя"
F_PATRONYMIC = "Отчество"
F_ROLE = "Роль"
CONFIRM_DISABLE = "Отключить учётную запись {login}? Войти под ней будет нельзя."
CONFIRM_ENABLE = "Включить учётную запись {login}?"
CONFIRM_RESET = "Выдать {login} новый одноразовый пароль? Прежний перестанет действовать."
UNLOCKED = "Блокировка {login} снята."

# diary credentials (homeroom)
CREDENTIALS_TITLE = "Реквизиты дневника: {class_name}"
KEY_ISSUE = "Выдать"
KEY_ISSUE_ALL = "Выдать всем без логина"
KEY_CLASS = "Другой класс"
COL_PERSON = "Кому"
COL_WHO = "Кто"
COL_STATE = "Вход"
WHO_STUDENT = "учащийся"
WHO_GUARDIAN = "{relation} · {child}"
STATE_NONE = "нет логина"
STATE_PENDING = "выдан, не входил"
STATE_ACTIVE = "пользуется"
STATE_FORBIDDEN = "выдача запрещена"
STATE_SHARED = "у администратора"
# names are never put in a case the code cannot decline: «Фамилия Имя:» leads the sentence
CONFIRM_REISSUE = "{person}: логин {login} уже выдан. Выдать новый пароль? Прежний перестанет действовать."
CONFIRM_ISSUE_ALL = (
    "Выдать реквизиты {count} людям без логина и сохранить бланки для печати (PDF)? "
    "Файл с паролями удалится после скачивания или через сутки."
)
NOBODY_WITHOUT = "У всех, кому можно, логин уже есть."
SLIPS_SAVED = "Бланки готовы: {name}. Файл удалится после скачивания или через сутки."
NO_CLASS = "У вас нет класса, где вы классный руководитель."

# the journal grid
KEY_JOURNAL = "Журнал"
KEY_DETAIL = "Подробно"
KEY_CLEAR = "Очистить"
KEY_UNDO = "Отменить"
KEY_ADD_LESSON = "Урок"
KEY_EDIT_LESSON = "Тема/д.з."
KEY_DELETE_LESSON = "Удалить урок"
KEY_ACCEPT = "Принять итог"
KEY_ACCEPT_ALL = "Итоги всем"
KEY_PERIOD_GRID = "Период"
KEY_OPEN = "Открыть"
NO_TOPIC = "тема не записана (F4)"
FINAL_HINT = "Итог: 5–1, н — н/а, о — осв, з — зач, ч — незач, A — принять предложенную, Del — убрать."
NO_LESSONS_YET = "Уроков в этом периоде нет: Ins — добавить урок."
NO_PUPILS = "В этом курсе в этом периоде нет учащихся."
SECOND_NEEDS_FIRST = "Вторую отметку можно добавить к первой: сначала поставьте отметку."
SECOND_MARK = "Вторая отметка: нажмите цифру 1–5."
BAD_KEY = (
    "Клавиша «{key}» ничего не значит: 1–5 отметка, н б у о пропуск, / вторая отметка, Enter — подробно."
)
BAD_FINAL_KEY = "Клавиша «{key}» не итоговая отметка: 5–1, н (н/а), о (осв), з (зач), ч (незач)."
NOTHING_TO_UNDO = "Отменять нечего."
UNDONE = "Отменено."
ACCEPTED = "Итоговая отметка: {value}."
FINAL_SET = "{name}: итоговая «{value}» (клавиша {key}). Ctrl+Z — отменить."
ACCEPTED_ALL = "Выставлено итоговых отметок: {count}."
ALL_FINALS_SET = "Итоговые отметки уже выставлены всем."
CONFIRM_ACCEPT_ALL = "Выставить предложенные итоговые отметки {count} учащимся без итоговой?"
KEY_REOPEN_MARKS = "Открыть отметки"
KEY_ARCHIVE_YEAR = "Архив года"
CONFIRM_ARCHIVE = (
    "Записать архив {year} учебного года: журналы всех предметов и сводные ведомости всех "
    "классов (PDF и xlsx, страницы пронумерованы, лист подписей) с манифестом SHA-256? Архив "
    "появится в «Мои файлы»; школе — это несколько минут."
)
ARCHIVE_RUNNING = "Архив {year} записывается…"
ARCHIVE_PROGRESS = "Архив: класс {done} из {total} ({label})"
ARCHIVE_DONE = (
    "Архив записан: {name} в «Мои файлы», файлов {count}. {sums} — запишите его на листе "
    "подписей: распакуйте и проверьте `journal archive verify ПАПКА` (или sha256sum -c SHA256SUMS)."
)
REASON_TITLE = (
    "{name}, урок {date:%d.%m.%Y}: исправление позже {days} дн. после урока или после "
    "отметки за период. Причину увидят родители в дневнике и завуч в контроле."
)
F_REASON = "Причина"
F_REASON_TEXT = "Пояснение (для «другое» — обязательно)"
CORRECTION_SAVED = "Исправление сохранено с причиной."
CORRECTION_CANCELLED = "Исправление отменено: отметка осталась прежней."
NOT_FROZEN = "{name}: отметка за период не выставлена — текущие отметки открыты."
CONFIRM_REOPEN_MARKS = (
    "Открыть текущие отметки учащегося {name} за «{period}» для исправления? Отметка за период "
    "останется; каждое исправление учитель сделает с причиной. Действие записывается в журнал изменений."
)
CONFIRM_REFREEZE_MARKS = "Снова заморозить текущие отметки учащегося {name} за «{period}»?"
MARKS_REOPENED = "{name}: текущие отметки периода открыты для исправления."
MARKS_REFROZEN = "{name}: текущие отметки периода снова заморожены."
FORECAST_ONLY = (
    "Отметок меньше {minimum}: пока период идёт, предложена средняя на сегодня (прогноз), "
    "а не итоговая. Поставьте ещё отметки или выставьте итоговую вручную."
)
FORECASTS_SKIPPED = " Пропущены {count}: у них меньше {minimum} отметок, пока период идёт — только прогноз."
CONFIRM_DELETE_LESSON = "Удалить урок {date:%d.%m.%Y} №{number}? Урок с отметками удалить нельзя."
DETAIL_TITLE = "{name}, {date:%d.%m.%Y}"
ADD_LESSON_TITLE = "Новый урок"
EDIT_LESSON_TITLE = "Урок {date:%d.%m.%Y}"
F_MARKS = "Отметки (например 5 или 5/4)"
F_WORK_TYPE = "Вид работы"
F_COMMENT = "Комментарий"
F_ABSENCE = "Пропуск: н, б, у или о"
F_DATE = "Дата (ДД.ММ.ГГГГ)"
F_NUMBER = "Номер урока (пусто — следующий)"
F_TOPIC = "Тема урока"
F_HOMEWORK = "Домашнее задание"
F_HOMEWORK_OR_NONE = "Домашнее задание («-» — без д/з)"
F_ATTENDANCE = "Посещаемость"
ATTENDANCE_NOT_TAKEN = "не отмечена"
ATTENDANCE_ALL_PRESENT = "все присутствуют"
ATTENDANCE_ABSENCES = "отмечены пропуски"
NO_HOMEWORK = "без д/з"
# what a teacher types for «без д/з» in the homework field (folded: no case, spaces, punctuation)
NO_HOMEWORK_WORDS = ("", "бездз", "нет", "незадано")
KEY_ALL_PRESENT = "Явка"
LESSON_CLOSED = "закрыт"
LESSON_OPEN = "не закрыт — {missing}"
LESSON_MISSING_TOPIC = "тема"
LESSON_MISSING_HOMEWORK = "д/з"
LESSON_MISSING_ATTENDANCE = "В: явка"
ATTENDANCE_CONFIRMED = "{date:%d.%m}: все присутствуют — посещаемость отмечена. В ещё раз — снять."
ATTENDANCE_WITHDRAWN = "{date:%d.%m}: отметка «все присутствуют» снята."
ATTENDANCE_HAS_ABSENCES = "В уроке отмечены пропуски: посещаемость уже отмечена."
PLAN_PREFILLED = " — из КТП, Enter — принять"
PICK_COURSE = "Журнал: выберите класс и предмет (сначала ваши, с уроками сегодня — выше)"
PICK_COURSE_OF_YEAR = "Журнал {year} учебного года ([ ] — другой год; закрытые периоды — только чтение)"
NO_COURSES = "У вас нет нагрузки в этом учебном году."
COL_CLASS = "Класс"
COL_TEACHER = "Учитель"
COL_TODAY = "Сегодня"
LESSONS_TODAY = "уроков: {count}"

# attendance
ATTENDANCE_DAY_TITLE = "Посещаемость {class_name} · {day:%d.%m.%Y}, {weekday}"
ATTENDANCE_WEEK_TITLE = (
    "Исправление «н» {class_name} · неделя {start:%d.%m}–{end:%d.%m.%Y} · без причины: {count}"
)
ATTENDANCE_DAY_HINT = "Н/Б/У/О — пропуск, Del — снять, ! — весь день, D — Б/У за дни, [ ] — день"
ATTENDANCE_WEEK_HINT = "Б/У — день строки, Enter — один урок, D — Б/У за дни, ← → — неделя"
KEY_EXCUSE_PASS = "Неделя"
KEY_DAY_VIEW = "По дням"
KEY_OTHER_DAY = "День"
KEY_OTHER_WEEK = "Неделя"
KEY_ABSENCE = "Пропуск"
KEY_CLEAR_ABSENCE = "Снять"
KEY_WHOLE_DAY = "Весь день"
KEY_EXCUSE_ILL = "Болел"
KEY_EXCUSE_VALID = "Уважит."
KEY_PICK_LESSON = "Один урок"
COL_PUPIL = "Учащийся"
COL_LESSONS = "Уроки с «н»"
COL_COUNT = "н"
NO_LESSONS_DAY = "В этот день у класса нет уроков."
NO_PUPILS_DAY = "В этот день в классе нет учащихся."
NOT_IN_LESSON = "—"
NOT_IN_LESSON_MSG = "{name} не входит в подгруппу урока «{lesson}»."
PICK_CELL = "Выберите урок: столбец справа от фамилии."
CELL_HAS_MARKS = "В клетке есть отметка ({text}): убрать её может учитель предмета в журнале, не здесь."
CONFIRM_WHOLE_DAY = "{name}: поставить «н» на всех уроках дня {day:%d.%m.%Y}?"
WHOLE_DAY_DONE = "{name}: «н» поставлено на уроков: {count}."
WHOLE_DAY_WITH_MARKS = " С отметками (не тронуты): {lessons}."
WHOLE_DAY_EXCUSED = " Уже по уважительной причине: {lessons}."
NO_UNEXCUSED = "За эту неделю неуважительных пропусков нет."
EXCUSE_REASONS = {"б": "Болел", "у": "Уважительная причина"}
EXCUSE_TITLE = "{reason}: {name}, {day} — {lessons}"
F_DOCUMENT = "Документ: справка/заявление, номер, дата, кто принёс"
EXCUSED_DONE = "Исправлено пропусков: {count} (теперь «{code}»)."
KEY_EXCUSE_DAYS = "Б/У за дни"
EXCUSE_DAYS_TITLE = "{name}: справка за несколько дней — все «н» с даты по дату"
F_EXCUSE_FROM = "С (ДД.ММ.ГГГГ)"
F_EXCUSE_TO = "По (включительно)"
F_EXCUSE_CODE = "Причина"
EXCUSE_CODE_CHOICES = (("б — болел", "б"), ("у — уважительная", "у"))
NOTHING_TO_EXCUSE = "Нет учащегося под курсором."
PICK_TITLE = "{name}, {day}: какой урок исправить?"
PICK_HINT = "Б — болел, У — уважительная причина, Esc — отмена."
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")

# home: duties
KEY_ATTENDANCE = "Посещаемость"

# roster
KEY_ROSTER = "Список класса"
KEY_ADD_PUPIL = "Добавить"
KEY_PUPIL_CARD = "Открыть"
KEY_GUARDIANS = "Родители"
KEY_VERIFIED = "Проверено"
KEY_TRANSFER = "Перевод"
KEY_DEPART = "Выбытие"
KEY_REMOVE_PUPIL = "Удалить"
KEY_NO_CONSENT = "Согласия"
KEY_ROSTER_FILTER = "Поиск"
KEY_ROSTER_SORT = "Порядок"
ROSTER_TITLE = "Список класса {class_name}: учатся {count}, всего в списке за год {total}"
ROSTER_SUMMARY = (
    "Без согласия: {consent} · без представителя: {guardian} · без входа: {login} · проверить: {overdue}"
)
ROSTER_COLUMNS = ("№", "Учащийся", "Состояние", "Согл.", "Пред.", "Вход", "Пров.")
ROSTER_FLAG_NO = "нет"
ROSTER_FILTER_HINT = "/ — поиск по фамилии или имени"
ROSTER_SORTED_BY = {
    "surname": "По фамилии.",
    "attention": "Сначала те, у кого чего-то не хватает или пора проверить данные.",
}
ROSTER_FIELD_REQUIRED = "Не заполнено поле «{label}»."
F_BIRTH_DATE = "Дата рождения"
F_SEX = "Пол"
F_PHONE = "Телефон"
F_EMAIL = "Эл. почта"
F_ADDRESS = "Адрес"
F_NOTES = "Примечания"
F_ARRIVAL_DATE = "Дата прибытия"
F_ARRIVED_FROM = "Откуда прибыл"
F_TO_CLASS = "В класс"
F_TRANSFER_DATE = "Дата перевода"
F_DEPART_DATE = "Последний день"
F_LEFT_TO = "Куда выбыл"
ADD_PUPIL_TITLE = "Новый учащийся {class_name} (даты ДД.ММ.ГГГГ)"
EDIT_PUPIL_TITLE = "Карточка: {name} (даты ДД.ММ.ГГГГ)"
PUPIL_ADDED = "Добавлен(а): {name}."
CARD_CHANGED = "Изменено: "
CARD_UNCHANGED = "Ничего не изменилось."
VERIFIED_DONE = "{name}: данные и представители проверены {day:%d.%m.%Y}."
NO_OTHER_CLASS = "В этом учебном году нет другого класса для перевода."
TRANSFER_TITLE = "Перевод: {name} из {old}"
CONFIRM_TRANSFER = (
    "{name}: перевод из {old} в {new} с {day:%d.%m.%Y}. Отметки, поставленные в {old}, "
    "останутся в журнале {old} и войдут в отметки периода в {new}. Перевести?"
)
TRANSFERRED_DONE = "{name} переведён(а) в {new}."
DEPART_TITLE = "Выбытие: {name}"
CONFIRM_DEPART = (
    "{name} выбывает из {class_name}, последний день {day:%d.%m.%Y}, куда: {to}. "
    "Отметки и история сохранятся. Оформить?"
)
DEPARTED_DONE = "{name}: выбытие оформлено, последний день {day:%d.%m.%Y}."
CONFIRM_REMOVE = (
    "{name}: удалить из списка как добавленного по ошибке? Это возможно, только пока у "
    "учащегося нет отметок, пропусков, согласий и входа в дневник."
)
REMOVED_DONE = "{name} удалён(а) из списка."
CARD_TITLE = "{name}, {class_name}"
CARD_READ_ONLY = " · только просмотр: учащийся в другом классе"
CARD_VERIFIED = "Данные проверены: {day}"
CARD_HISTORY = "История:"
HISTORY_FROM = "{class_name} с {start:%d.%m.%Y}"
HISTORY_ARRIVED_FROM = " (прибыл из: {where})"
HISTORY_TO = " по {end:%d.%m.%Y}"
HISTORY_TRANSFERRED = " — переведён в {where}"
HISTORY_LEFT = " — выбыл, куда: {where}"
CARD_GUARDIANS = "Представители:"
CARD_NO_GUARDIANS = "Представители: нет (G — добавить)"
CARD_CONSENTS = "Согласия на обработку ПДн:"
CARD_NO_CONSENTS = "Согласия на обработку ПДн: нет"
CARD_WITHDRAWN = ", отозвано {day:%d.%m.%Y}"
KEY_RECORD_CONSENT = "Представители и согласие"
MISSING_TITLE = "{class_name}: без согласия на обработку ПДн — {count}"
MISSING_NONE = "{class_name}: согласия есть у всех учащихся."
MISSING_COLUMNS = ("Учащийся", "Представитель", "Телефон")
MISSING_NO_GUARDIAN = "представителя нет"

# roster: guardians and consents
KEY_NEW_GUARDIAN = "Новый"
KEY_LINK_GUARDIAN = "Найти и связать"
KEY_CONSENT = "Согласие"
KEY_WITHDRAW = "Отозвать"
KEY_UNLINK = "Отвязать"
GUARDIANS_TITLE = "Представители: {name}, {class_name}"
GUARDIAN_COLUMNS = ("ФИО", "Кем", "Телефон", "Дневник", "Согласие")
CONSENT_COLUMNS = ("Дата", "Кто дал", "Документ", "Отозвано")
CONSENTS_LABEL = "Согласия на обработку ПДн (S — записать, W — отозвать)"
MAY_RECEIVE = "можно"
MAY_NOT_RECEIVE = "нельзя"
CONSENT_SINCE = "с {day:%d.%m.%Y}"
CONSENT_WITHDRAWN = "отозвано"
CONSENT_NONE = "нет"
F_RELATION = "Кем приходится"
F_MAY_RECEIVE = "Выдавать вход в дневник"
F_CONSENT_BY = "Кто дал согласие"
F_CONSENT_DATE = "Дата согласия"
F_CONSENT_DOCUMENT = "Документ"
F_WITHDRAW_DATE = "Дата отзыва"
DEFAULT_CONSENT_DOCUMENT = "заявление"
THE_PUPIL = "сам учащийся"
NEW_GUARDIAN_TITLE = "Новый представитель: {name}"
EDIT_GUARDIAN_TITLE = "Представитель: {name}"
GUARDIAN_ADDED = "Добавлен представитель: {name}."
GUARDIAN_LINKED = "Связан представитель: {name}."
GUARDIAN_UNLINKED = "{name} больше не связан(а) с учащимся."
ALREADY_LINKED = "Этот представитель уже связан с учащимся."
LINK_INSTEAD = (
    "Такой представитель уже есть: {match}. Связать его с учащимся вместо создания "
    "повторной записи? (Н — вернуться к форме)"
)
LINK_TITLE = "Найти представителя для: {name}"
LINK_RELATION_TITLE = "Кем приходится: {name}"
SEARCH_PLACEHOLDER = "часть фамилии, имени или телефона"
SEARCH_HINT = "Введите не меньше 2 символов; Enter — к списку, Enter — выбрать, Esc — отмена."
SEARCH_NOTHING = "Никого не нашлось."
CONFIRM_UNLINK = (
    "Представитель {guardian} и учащийся {pupil}: убрать связь? Карточка представителя и записи "
    "о согласии сохранятся."
)
CONSENT_TITLE = "Согласие на обработку ПДн: {name}"
CONSENT_RECORDED = "Согласие записано (от {day:%d.%m.%Y})."
NO_ACTIVE_CONSENT = "Действующего согласия нет: отзывать нечего."
ALREADY_WITHDRAWN = "Это согласие уже отозвано {day:%d.%m.%Y}."
WITHDRAW_TITLE = "Отзыв согласия от {day:%d.%m.%Y}: {who}, {document}"
CONSENT_WITHDRAWN_DONE = "Согласие отозвано с {day:%d.%m.%Y}."

# subgroups and import
KEY_SUBGROUPS = "Подгруппы"
KEY_GROUP = "Группа"
KEY_NO_GROUP = "Убрать"
KEY_COPY_SPLIT = "Как раньше"
KEY_SPLIT_EVENLY = "Поровну"
KEY_SG_PERIOD = "Период"
KEY_SG_SUBJECT = "Предмет"
KEY_NEW_SUBGROUPS = "Новые подгруппы"
SUBGROUPS_TITLE = "Подгруппы {class_name} · {subject} · {period} ({start:%d.%m}–{end:%d.%m})"
SUBGROUPS_NONE_TITLE = "Подгруппы {class_name}"
SUBGROUPS_NO_SUBJECTS = "В классе нет предметов с подгруппами. N — разделить предмет на подгруппы."
SUBGROUPS_NO_SUBJECTS_ADMIN = (
    "В классе нет предметов с подгруппами: их создаёт администратор (так настроено в школе)."
)
SUBGROUPS_GROUPS = "{groups} · без группы: {unassigned}"
SUBGROUPS_GROUP = "{name} ({teachers}): {size}"
SUBGROUPS_NO_TEACHER = "учитель не назначен"
COL_GROUP = "Группа"
FLAG_UNASSIGNED = "без группы"
FLAG_LEFT = "выбыл {day:%d.%m}"
FLAG_SIBLINGS = "брат/сестра: {names}"
NO_SUCH_GROUP = "Подгрупп по предмету {count}: группы {number} нет."
SPLIT_COPIED = "Деление предыдущего периода перенесено, изменений: {count}."
SPLIT_EVENLY_DONE = "Класс разделён поровну по списку, изменений: {count}."
CONFIRM_SPLIT_MARKS = (
    "По предмету «{subject}» в периоде «{period}» уже есть отметки. Изменить деление? "
    "Отметки останутся на своих уроках; в журнале группы видны только её учащиеся."
)
CONFIRM_COPY_SPLIT = "Заменить деление периода «{period}» делением предыдущего периода?"
CONFIRM_SPLIT_EVENLY = (
    "Разделить класс поровну по списку? Нынешнее деление периода «{period}» будет заменено."
)
NEW_SUBGROUPS_TITLE = "Разделить предмет {class_name} на подгруппы"
F_SUBJECT = "Предмет"
F_GROUP_COUNT = "Сколько подгрупп (2–4)"
SUBGROUPS_CREATED = "Созданы подгруппы: {count}. Учителей групп назначает администратор (нагрузка)."
BAD_GROUP_COUNT = "Число подгрупп — от 2 до 4."
NO_SUBJECTS_TO_SPLIT = "Все предметы класса уже разделены на подгруппы."

KEY_IMPORT = "Импорт списка"
KEY_IMPORT_CHECK = "Проверить"
KEY_IMPORT_RUN = "Импортировать"
IMPORT_TITLE = "Импорт списка класса {class_name}"
IMPORT_START = "Дата прибытия для строк без своей (ДД.ММ.ГГГГ)"
IMPORT_HINT = (
    "Столбцы по заголовкам: Фамилия, Имя, Отчество, Дата рождения, Пол, Телефон, Эл. почта, Адрес, "
    "Дата прибытия; представители: «Родитель: Фамилия», «Родитель: Имя», «Родитель: Телефон», "
    "«Родство» или «Мать», «Отец». Enter — проверить файл."
)
IMPORT_READING = "Читаем файл…"
IMPORT_NO_PATH = "Выберите файл из inbox или укажите путь к файлу."
IMPORT_INBOX = "Файл из вашей папки inbox: xlsx, ods или csv (UTF-8 или Windows-1251)"
IMPORT_INBOX_EMPTY = "— в inbox пусто —"
IMPORT_OR_PATH = "…или путь к файлу на этом компьютере"
IMPORT_UPLOAD = "Загрузить файл в inbox со своего компьютера: {command}  (F4 — обновить список)"
IMPORT_UPLOAD_WEB = "В браузере файлы не загружаются: попросите администратора или загрузите по scp в inbox."
IMPORT_NO_CLASS = "Нет класса, куда можно импортировать: вы не классный руководитель."
COL_LINE = "Стр."
COL_ROW = "Учащийся и представители"
COL_PROBLEMS = "Замечания"
IMPORT_ROW_OK = "ок"
IMPORT_ROW_LINKED = "ок; уже есть в школе, будет связан: {names}"
IMPORT_SUMMARY = "Строк: {rows}, без ошибок: {good}, с ошибками: {bad}."
IMPORT_READY = " Ctrl+S — импортировать все строки."
IMPORT_FIX = " Пока есть ошибки, ничего не записывается: исправьте файл и нажмите F5."
IMPORT_IGNORED = "Не распознаны и пропущены столбцы: {columns}."
IMPORT_NOTHING = "Сначала проверьте файл (Enter или F5): импортировать нечего."
IMPORT_HAS_ERRORS = "В файле есть строки с ошибками: импорт всех строк невозможен."
CONFIRM_IMPORT = (
    "Импортировать {count} {word} в класс {class_name}? Записываются все строки сразу или ни одной."
)
IMPORT_DONE = "Импортировано учащихся: {count}, класс {class_name}."
IMPORT_DETAIL = "Строка {line}: {problems}"
COL_SG_NOTE = "Примечание"
SUBGROUPS_KEYS = "1–4 группа · 0 убрать · P как в прошлом периоде · E поровну по списку"

# --- journal serve ssh / web (issue 9) ---
IDLE_EXIT_MESSAGE = "Сеанс закрыт: он был заблокирован слишком долго. Подключитесь снова."
SWITCH_USER_RECONNECT = "Сеанс закрыт. Чтобы войти под другим пользователем, подключитесь к журналу снова."
SESSION_FAILED = (
    "Сеанс журнала завершился из-за ошибки. Подключитесь снова; если повторится, сообщите администратору."
)

# --- exports (issue 7) ---
KEY_EXPORTS = "Выгрузка"
KEY_EXPORT_RUN = "Выгрузить"
EXPORT_TITLE = "Выгрузка: выписки из дневника, табели, отчёты, журнал предмета"
EXPORT_KINDS = {
    "diary": "Выписка из дневника (неделя или даты)",
    "report-card": "Табель успеваемости",
    "class-report": "Анализ периода и контроль учителей",
    "meeting": "Отчёт к родительскому собранию",
    "course": "Журнал предмета",
    "plan": "КТП: план и пройденное",
}
F_EXPORT_KIND = "Что"
F_EXPORT_CLASS = "Класс"
F_EXPORT_PUPIL = "Учащийся"
F_EXPORT_SUBJECT = "Предмет"
F_EXPORT_PERIOD = "Период"
F_EXPORT_FROM = "С (ДД.ММ.ГГГГ)"
F_EXPORT_TO = "По (ДД.ММ.ГГГГ)"
F_EXPORT_FORMAT = "Формат"
EXPORT_WHOLE_SCHOOL = "Вся школа"
EXPORT_WHOLE_CLASS = "Весь класс"
EXPORT_PAPER_PUPILS = "Для бумажного дневника ({policy})"
EXPORT_YEAR = "Год"
EXPORT_NO_SUBJECTS = "нет предметов"
EXPORT_FORMATS = (
    ("xlsx — Excel, с разметкой для печати", "xlsx"),
    ("ods — LibreOffice", "ods"),
    ("csv — таблица на файл", "csv"),
    ("pdf — A4 для печати", "pdf"),
)
EXPORT_FOLDER = "Файлы будут в «{folder}» (видны только вам)."
EXPORT_HINT = (
    "Ctrl+S или F5 — выгрузить, Ctrl+D — скачать готовый, F2 — мои файлы, "
    "Esc — назад (во время выгрузки — прервать)."
)
EXPORT_RUNNING = "Выгружаем… {label}"
EXPORT_STOPPING = "Прерываем после текущего класса…"
EXPORT_DONE = "Готово. Файлов: {count}."
EXPORT_DONE_ONE = "Готово: {name}."
EXPORT_CANCELLED = "Выгрузка прервана. Записано файлов: {count}."
EXPORT_FETCH_MANY = "Файлы — в «{folder}» (F2): там у каждого способ скачать."
EXPORT_NOTHING_YET = "Сначала выгрузите файл (Ctrl+S)."
EXPORT_NOTHING = "Нет классов и предметов, которые вы можете выгрузить."
EXPORT_BUSY = "Выгрузка уже идёт: дождитесь её или прервите (Esc)."

# setting up the school (admin): year and periods, classes, subjects, load, timetable, settings
KEY_SETUP = "Настройка школы"

# analysis
KEY_ANALYSIS = "Анализ"
KEY_AN_VIEW = "Вид"
KEY_AN_SCOPE = "Период"
KEY_AN_RANGE = "Даты"
AN_TABS = ("1 Итоги", "2 Учащиеся", "3 Риск", "4 Отметки", "5 Учителя", "6 Родители")
AN_TITLE = "Анализ {class_name} · {scope} ({start:%d.%m}–{end:%d.%m.%Y}) · {basis}"
AN_BASIS_RUNNING = "идёт: по предложенным отметкам"
AN_BASIS_AHEAD = "впереди: уроков ещё не было"
AN_BASIS_FINAL = "по итоговым отметкам"
AN_BASIS_MIXED = "итоговых нет у {count}: учтены предложенные"
AN_CLASS_LINE = "Класс: усп. {success}%{a1} · кач. {quality}%{a2} · СОУ {sou}%{a3} · ср. {mean}{a4}"
AN_VS = " (↑↓ к «{title}»)"
AN_GROUPS_LINE = (
    "Отличники {excellent} · хорошисты {good} · с одной «3» {one_three} · "
    "неуспевающие {failing} · риск {risk}"
)
AN_COL_SUBJECT = "Предмет"
AN_COL_N = "N"
AN_COL_NA = "н/а"
AN_COL_SUCCESS = "Усп%"
AN_COL_QUALITY = "Кач%"
AN_COL_SOU = "СОУ%"
AN_COL_MEAN = "Ср."
AN_CLASS_ROW = "Класс"
AN_SUBJECT_DETAIL = "{name} ({teachers}): предложенных, не итоговых отметок {suggested}."
AN_SUBJECT_PREV = " {title}: усп. {success}%, кач. {quality}%, СОУ {sou}%, ср. {mean}."
AN_FINALS_MISSING = " Без итоговой: {count}."
AN_CLASS_DETAIL = "Класс по всем предметам: 5 — отличники, 4 — хорошисты, 2 и н/а — неуспевающие."
AN_COL_PUPIL = "Учащийся"
AN_COL_MISSED = "Проп"
AN_COL_DAYS = "Дн"
AN_COL_CATEGORY = "Итог"
AN_CATEGORIES = {"5": "отл", "4": "хор", "3": "", "2": "неусп", "н/а": "неусп"}
AN_ONE_THREE = "одна 3"
AN_LEFT = " (выб. {day:%d.%m})"
AN_CELL_DETAIL = (
    "{name} · {subject}: отметок {count}, ср. {mean}, взв. {weighted}, предложена {suggested}, "
    "итог {final}; уроков {lessons}, пропущено {missed} (без ув. {unexcused}, ув. {excused}), "
    "опозданий {late}"
)
AN_PUPIL_DETAIL = (
    "{name}: ср. {mean}; уроков {lessons}, пропущено {missed} (без ув. {unexcused}, "
    "ув. {excused}), дней целиком {days}"
)
AN_NONE = "—"
AN_COL_REASON = "Причина"
AN_NO_RISK = "В группе риска никого нет."
AN_RISK_HINT = "Группа риска: «2» или н/а (в т.ч. ожидаемые), мало отметок, много пропусков."
AN_DIST_LEGEND = "Текущие отметки класса:  █ «5»  ▓ «4»  ▒ «3»  ░ «2» и «1»"
AN_DIST_EMPTY = "отметок нет"
AN_COL_TEACHER = "Учитель"
AN_COL_LESSONS = "Ур"
AN_COL_NO_MARKS = "Б/отм"
AN_COL_NO_TOPIC = "Б/тем"
AN_COL_NO_HOMEWORK = "Б/дз"
AN_COL_NOT_CLOSED = "Незак"
AN_COL_LATE = "Позд"
AN_COL_CORRECTED = "Испр"  # corrections after the edit window / after the period mark
AN_COL_PER_PUPIL = "Отм/уч"
AN_COL_NO_FINAL = "Б/ит"
AN_CONTROL_HINT = (
    "{start:%d.%m}–{end:%d.%m.%Y}, отстающие сверху. Enter — журнал, D — даты. Незак — не закрыт "
    "в свой день; Позд — отметки позже {days} дн.; Испр — исправлено/после итог."
)
AN_RANGE_TITLE = "Контроль учителей: за какие даты?"
AN_F_FROM = "С (ДД.ММ.ГГГГ)"
AN_F_TO = "По (ДД.ММ.ГГГГ)"
AN_COL_LOGINS = "С логином"
AN_COL_LAST = "Смотрели"
AN_COL_7 = "7дн"
AN_COL_30 = "30дн"
AN_VIEWS = "{views} ({days} дн.)"  # views, on how many days
AN_NEVER = "ни разу"
AN_NO_LOGIN = "нет"
AN_PARENTS_LINE = (
    "Активных семей (смотрели дневник за 30 дней): {active} из {total} ({share}%) · ни разу: {never}"
)
AN_CLASS_PICK = "Анализ: какой класс?"
AN_NO_CLASSES = "Нет классов для анализа."
AN_READ_ONLY = "{title}: только просмотр — это не ваш предмет."
GRID_READ_ONLY = " · только просмотр"
GRID_ABSENCES_ONLY = " · только пропуски (кл. руководитель)"

# home: the duties dashboard
HOME_DUTIES = "Что сделать сейчас:"
HOME_ALL_DONE = "Все обязанности выполнены."
SETUP_CHECK_TITLE = "Настройка школы на текущий учебный год — по порядку, цифра открывает шаг:"
SETUP_STEP_TEXT = {  # label, when done ({count}), what to do
    "year": ("Учебный год и периоды", "периодов: {count}", "создайте год и его четверти"),
    "classes": ("Классы", "классов: {count}", "создайте классы, назначьте кл. руководителей"),
    "subjects": ("Предметы", "предметов: {count}", "добавьте предметы и виды работ"),
    "staff": ("Сотрудники", "учителей: {count}", "заведите учётные записи учителей"),
    "load": ("Нагрузка", "строк нагрузки: {count}", "кто какой предмет ведёт в каком классе"),
    "timetable": ("Расписание", "уроков в неделю: {count}", "недельное расписание классов"),
    "lessons": ("Уроки в журнале", "уроков: {count}", "создайте уроки по расписанию (G)"),
}
DUTY_TEXT = {
    "entries": "{class_name}: уроки вчера и сегодня без записей — {count}",
    "excuses": "{class_name}: пропусков «н» старше недели без причины — {count}. Проверьте справки",
    "verify": "{class_name}: анкеты не проверены больше месяца — {count}",
    "consents": "{class_name}: нет согласия на обработку ПДн — учащихся {pupils}, родителей {guardians}",
    "credentials": "{class_name}: без логина дневника — учащихся {pupils}, родителей {guardians}",
    "subgroups": "{class_name}: не все распределены по подгруппам ({period}) — предметов {count}",
    "teachers": "{class_name}: учителя с пробелами в журнале — {count}",
    "analysis": "{class_name}: анализ за «{period}» не выгружен",
    "paper_week": "{class_name}: выписка в бумажный дневник за неделю не сделана — учащихся {count}",
    "paper_term": "{class_name}: табели за «{period}» в бумажный дневник не выгружены — {count}",
    "own_not_closed": "Не закрыто уроков сегодня: {count} (тема, д/з, посещаемость)",
    "own_no_marks": "Мои уроки без единой отметки — {count}",
    "own_no_topic": "Мои уроки без темы — {count}",
    "own_finals": "Не выставлены итоговые отметки — {count}",
}
HOME_TODAY = "Сегодня: {lessons}"
HOME_NO_LESSONS_TODAY = "Сегодня уроков по расписанию нет."
HOME_LESSON = "{number} ур. {class_name} {subject}"
HOME_LESSON_HELD = "{number} ур. {class_name} {subject}"  # in the journal, not closed yet
HOME_LESSON_CLOSED = "{number} ур. {class_name} {subject} √"
EXPORT_CURRENT = "текущий у каждого класса"
EXPORT_PERIOD_N = "{n}-я четверть (полугодие)"
KEY_SSH_KEYS = "Ключи SSH"
SSH_KEYS_TITLE = "Ключи SSH для входа в журнал: {login}"
SSH_KEYS_HINT = (
    "С ключом журнал открывается по SSH без пароля. Создайте ключ на своём компьютере "
    "(ssh-keygen -t ed25519) и вставьте строку из файла ~/.ssh/id_ed25519.pub: Ins — добавить, "
    "Del — удалить."
)
KEY_ADD_SSH_KEY = "Добавить ключ"
KEY_REMOVE_SSH_KEY = "Удалить ключ"
COL_SSH_FINGERPRINT = "Отпечаток"
COL_SSH_COMMENT = "Комментарий"
COL_SSH_ADDED = "Добавлен"
COL_SSH_USED = "Последний вход"
SSH_KEY_NEW_TITLE = "Новый ключ SSH"
F_SSH_KEY = "Открытый ключ (строка из файла .pub)"
SSH_KEY_ADDED = "Ключ добавлен: {fingerprint}"
SSH_KEY_REMOVE = "Удалить ключ {fingerprint} ({comment})? Войти с ним больше не получится."
SETUP_TITLE = "Настройка школы: 1–6 — разделы, Esc — назад"
SETUP_TABS = ("Год и периоды", "Классы", "Предметы", "Нагрузка", "Расписание", "Настройки")
SETUP_NEED_DATE = "Укажите дату: «{label}» (ДД.ММ.ГГГГ)."
SETUP_NEED_NUMBER = "«{label}»: нужно целое число."
SU_YES = "да"
SU_NO = "нет"
SU_KEY_DELETE = "Удалить"
SU_F_START = "Начало (ДД.ММ.ГГГГ)"
SU_F_END = "Конец (ДД.ММ.ГГГГ)"
SU_F_FROM = "С (ДД.ММ.ГГГГ)"
SU_F_TO = "По (ДД.ММ.ГГГГ)"
SU_F_DAY = "Дата (ДД.ММ.ГГГГ)"
SU_F_TEACHER = "Учитель"
SU_F_WEIGHT = "Вес (от 0.1 до 10)"
SU_F_LESSON = "Урок"
SU_NO_SUBJECTS = "Предметов ещё нет: добавьте их в разделе 3 «Предметы»."
SU_NO_CLASSES = "Классов в этом году ещё нет: добавьте их в разделе 2 «Классы»."
SU_NO_YEAR = "Учебного года ещё нет: N — создать (с четвертями и полугодиями по умолчанию)."
SU_NEED_TEACHER = "Выберите учителя."
SU_CANCELLED = "Урок {day:%d.%m.%Y} №{number} отменён."
SU_REPLACED = "Урок {day:%d.%m.%Y} №{number} заменён."
CHOICE_NOBODY = "— нет —"
CHOICE_NO_LESSON = "— нет урока —"
CHOICE_CANCEL_LESSON = "— отменить урок —"
# 1. year and periods
KEY_NEW_YEAR = "Новый год"
KEY_PERIOD_DATES = "Даты"
KEY_CLOSE_PERIOD = "Закрыть/открыть"
KEY_ADD_PERIOD = "Добавить период"
KEY_DELETE_PERIOD = "Удалить период"
KEY_PROMOTE = "Следующий год"
KEY_OTHER_YEAR = "Другой год"
YEAR_TITLE = "Учебный год {name}: {start:%d.%m.%Y} – {end:%d.%m.%Y}"
PERIOD_COLUMNS = ("Период", "Классы", "Начало", "Конец", "Дней", "Состояние")
PERIOD_CLOSED = "закрыт"
PERIOD_NOW = "идёт"
BREAKS = "Каникулы — {items}"
NEW_YEAR_TITLE = "Новый учебный год"
F_YEAR_START = "Год начала (1 сентября), например 2026"
YEAR_CREATED = "Учебный год создан: четверти для 1–9, полугодия для 10–11 (даты можно изменить)."
PERIOD_TITLE = "Даты: {name}"
CONFIRM_DROP_LESSONS = (
    "С новыми датами вне учебных периодов окажутся уроки без отметок: {count} (первый — {first}). "
    "Удалить их и изменить даты?"
)
CONFIRM_CLOSE = "Закрыть период «{name}» ({grades} кл.)? После закрытия ожидаются итоговые отметки."
CONFIRM_REOPEN = "Открыть период «{name}» ({grades} кл.) снова?"
ADD_PERIOD_TITLE = "Новый учебный период"
F_PERIOD_KIND = "Вид периода"
F_GRADE_FROM = "Для классов с (параллель)"
F_GRADE_TO = "по (параллель)"
CONFIRM_DELETE_PERIOD = (
    "Удалить период «{name}»? Уроки без отметок в его датах будут удалены; если на период "
    "ссылаются отметки, итоги или подгруппы, удалить его нельзя."
)
GRADUATES = "{name} — выпуск"
CONFIRM_PROMOTE = (
    "Начать {year}: классы {classes}. Учащихся переводится: {moved}, выпускников: {graduated}; "
    "нагрузка переносится ({courses}), расписание — нет. Год {old} останется для просмотра. Начать?"
)
PROMOTED = "Начат учебный год {year}: переведено учащихся {moved}."
# 2. classes
KEY_NEW_CLASS = "Новый класс"
KEY_DELETE_CLASS = "Удалить класс"
CLASSES_TITLE = "Классы {year}"
CLASS_COLUMNS = ("Класс", "Классный руководитель", "Учащихся", "Предметов")
NEW_CLASS_TITLE = "Новый класс"
EDIT_CLASS_TITLE = "Класс {name}"
F_CLASS_NAME = "Класс (например, 5А)"
F_HOMEROOM = "Классный руководитель"
CONFIRM_DELETE_CLASS = (
    "Удалить класс {name}? Это возможно, только пока в нём нет учащихся, нагрузки и подгрупп."
)
# 3. subjects and work types
KEY_NEW_SUBJECT = "Новый предмет"
KEY_NEW_WORK_TYPE = "Новый вид работы"
SUBJECTS_TITLE = "Предметы (Tab — к видам работ)"
WORK_TYPES_TITLE = "Виды работ и их веса"
SUBJECT_COLUMNS = ("Предмет", "Кратко", "Нагрузок")
WORK_TYPE_COLUMNS = ("Вид работы", "Вес", "Осн.", "Отметок")
NEW_SUBJECT_TITLE = "Новый предмет"
EDIT_SUBJECT_TITLE = "Предмет: {name}"
F_SUBJECT_NAME = "Название"
F_SHORT_NAME = "Кратко (для расписания, пусто — первые буквы)"
NEW_WORK_TYPE_TITLE = "Новый вид работы"
EDIT_WORK_TYPE_TITLE = "Вид работы: {name}"
F_WORK_TYPE_NAME = "Название"
F_DEFAULT_TYPE = "По умолчанию (для отметок без вида)"
CONFIRM_WEIGHT = (
    "Вес «{name}» изменится с {old} на {new}: взвешенные средние и предлагаемые итоговые "
    "пересчитаются (отметок этого вида: {marks}). Изменить?"
)
CONFIRM_DELETE_SUBJECT = "Удалить предмет «{name}»? Это возможно, только пока он нигде не используется."
CONFIRM_DELETE_WORK_TYPE = (
    "Удалить вид работы «{name}»? Это возможно, только пока по нему нет отметок и уроков."
)
# 4. teaching load
KEY_NEW_LOAD = "Добавить"
KEY_CHANGE_TEACHER = "Учитель"
KEY_GROUP_TEACHERS = "Подгруппы"
KEY_BY_TEACHER = "По учителю"
KEY_OTHER_CLASS = "Другой класс"
LOAD_TITLE = "Нагрузка {name} · часов в неделю по расписанию: {hours} · T — нагрузка учителя"
TEACHER_LOAD_TITLE = "Нагрузка: {name}, {year} · часов в неделю: {hours} · T — по классам"
LOAD_COLUMNS = ("Предмет", "Подгруппа", "Учитель", "Часов", "Уроков")
NEW_LOAD_TITLE = "Нагрузка {name}: новый предмет"
CHANGE_TEACHER_TITLE = "{name} · {subject}: учитель"
GROUPS_TITLE = "{name}: предмет по подгруппам (2–4 учителя)"
F_GROUP_TEACHER = "Учитель {number} группы"
CONFIRM_DELETE_LOAD = "Убрать {subject} из нагрузки {name}? Это возможно, только пока по нему нет уроков; его места в расписании освободятся."
# 5. timetable
KEY_SLOT = "Урок"
KEY_CLEAR_SLOT = "Убрать"
KEY_GENERATE = "Создать уроки"
KEY_REGENERATE = "Пересоздать"
KEY_ONE_OFF = "Замена/отмена"
KEY_ENTRIES = "Записи"
KEY_ENTRY_DATES = "Даты"
TIMETABLE_TITLE = "Расписание {name}, неделя {start:%d.%m}–{end:%d.%m.%Y}"
TIMETABLE_HINT = "Enter — урок с даты · O — замена/отмена на дату · < > неделя · [ ] класс"
ALL_GROUPS = "{subject} (все группы)"
SLOT_TITLE = "{name}: {day}, {number} урок"
F_VALID_FROM = "Действует с (ДД.ММ.ГГГГ)"
F_VALID_TO = "Действует по (пусто — до конца года)"
SLOT_SAVED = "Расписание изменено. Уроки по нему: G — создать, R — пересоздать будущие."
CONFIRM_CLEAR_SLOT = "Убрать урок: {day}, {number} урок, с {start:%d.%m.%Y}?"
GENERATE_TITLE = "Создать уроки {name} по расписанию"
CONFIRM_GENERATE = (
    "Создать уроков: {count} ({name}, {start:%d.%m.%Y} – {end:%d.%m.%Y}, учебных дней {days})? "
    "Воскресенья, праздники и каникулы пропускаются; существующие уроки не меняются."
)
NOTHING_TO_GENERATE = "Все уроки по расписанию уже есть."
GENERATED = "Создано уроков: {count} ({name})."
REGENERATE_TITLE = "Пересоздать уроки {name} по расписанию"
CONFIRM_REGENERATE = (
    "{name} с {start:%d.%m.%Y}: создать уроков {create}, удалить пустых {remove}, без изменений "
    "{unchanged}. Уроки с отметками, пропусками, темой или заданием не трогаются: {kept}{which}. Выполнить?"
)
REGENERATED = "Создано уроков: {create}, удалено: {remove}, оставлено с записями: {kept}."
ONE_OFF_TITLE = "{name}: замена или отмена урока на дату"
F_LESSON_NUMBER = "Номер урока"
F_INSTEAD = "Вместо него"
ENTRIES_TITLE = "Расписание {name}: все записи с датами"
ENTRY_COLUMNS = ("День", "№", "Урок", "Учитель", "Действует")
ENTRY_TITLE = "{day}, {number} урок: {label}"
CONFIRM_REMOVE_ENTRY = (
    "Удалить запись расписания: {day}, {number} урок, {label}, {validity}? Созданные уроки останутся."
)
# 6. settings
SETTINGS_TITLE = "Настройки школы (Enter — изменить)"
SETTING_COLUMNS = ("Настройка", "Значение")
SETTING_TITLE = "Настройка школы"
NEEDS_TERMINAL = "журналу нужен терминал: подключитесь по SSH без команды и без ключа -T (или с ключом -t)"
HOME_SECTIONS = "Разделы: {sections}. Все действия — и через Ctrl+P."

# export keys on the screens that have something to export
KEY_EXPORT_HERE = "Выгрузить"
EXPORT_SAVED = "Файл сохранён: {path}"

# the demo school's logins on the login screen
DEMO_LOGINS = "Демонстрационная школа — войдите под любым логином:"
DEMO_LOGIN_LINE = "  {role:<13} {login:<15} {password}"
DEMO_ROLES = {
    "admin": "администратор",
    "homeroom": "кл. рук.",
    "teacher": "учитель",
    "guardian": "родитель",
    "student": "учащийся",
}

# --- journal serve web: the browser page around the app (issue 9, security) ---
WEB_PAGE_TITLE = "Электронный журнал"
WEB_LOADING = "Журнал открывается…"
WEB_START = "Открыть журнал"
WEB_SESSION_ENDED = "Сеанс завершён."
WEB_RESTART = "Открыть заново"
WEB_SERVER_BUSY = "Сейчас журнал открывают слишком многие. Подождите минуту и откройте его заново."
WEB_ADDRESS_BUSY = (
    "С вашего адреса уже открыты окна входа (не больше {limit} сразу). Войдите в одном из них "
    "или закройте лишние вкладки и откройте журнал заново."
)
WEB_TOO_MANY_TABS = "С вашего адреса открыто слишком много вкладок журнала ({limit}). Закройте лишние."
WEB_LOGIN_TIMEOUT = "Время на вход истекло ({seconds} с). Откройте журнал заново."
WEB_APP_FAILED = "Журнал не открылся. Сообщите администратору школы."

# --- the audit log (R18): who changed what and when (tui/screens/auditlog.py) ---
KEY_AUDIT_LOG = "Журнал изменений"
KEY_AUDIT_OPEN = "Подробно"
KEY_AUDIT_FILTER = "Отбор"
KEY_AUDIT_RESET = "Сброс"
KEY_AUDIT_OLDER = "Раньше"
KEY_AUDIT_NEWER = "Позже"
AUDIT_COLUMNS = ("Когда", "Кто", "Что", "О ком, о чём", "Изменение")
AUDIT_TITLE = "Журнал изменений: {filters} · {first}–{last}{more}"
AUDIT_MORE = ", ] — раньше"
AUDIT_NONE = "Журнал изменений: {filters} — записей нет."
AUDIT_FILTER_TITLE = "Отбор записей"
AUDIT_F_PUPIL = "Учащийся: номер или фамилия и имя"
AUDIT_F_USER = "Кто: логин или «система»"
AUDIT_F_ACTION = "Действие"
AUDIT_F_SINCE = "С какого дня (ДД.ММ.ГГГГ)"
AUDIT_F_UNTIL = "По какой день"
AUDIT_ENTRY_TITLE = "Запись № {id}, {at:%d.%m.%Y %H:%M:%S}"
AUDIT_ENTRY_WHO = "Кто: {who}"
AUDIT_ENTRY_SOURCE = "Откуда: {source}"
AUDIT_LOCAL = "без сети (на сервере или из командной строки)"
AUDIT_ENTRY_WHAT = "Что: {what} ({action})"
AUDIT_ENTRY_PUPIL = "Учащийся: {pupil}"
AUDIT_ENTRY_CLASS = "Класс: {class_name}"
AUDIT_ENTRY_SUBJECT = "Предмет: {subject}"
AUDIT_ENTRY_LESSON = "Урок: {date:%d.%m.%Y}{number}"
AUDIT_ENTRY_ABOUT = "О чём ещё: {about}"
AUDIT_ENTRY_CHANGES = "Было → стало:"
AUDIT_ENTRY_NO_CHANGES = "Значений в записи нет."
AUDIT_EXPORTING = "Выгружаем журнал изменений…"
AUDIT_EXPORTED = "Файл сохранён: {path} (записей: {count})"
AUDIT_EXPORT_CUT = " — не все: уточните отбор"
AUDIT_EXPORT_BUSY = "Выгрузка журнала изменений уже идёт: дождитесь её."


# --- one's own files (tui/screens/myfiles.py, tui/files.py) ------------------------------------
KEY_MY_FILES = "Мои файлы"
KEY_FETCH = "Скачать"
KEY_REMOVE_FILE = "Удалить"
KEY_RELOAD = "Обновить"
MY_FILES_TITLE = "Мои файлы: выгрузки, табели, бланки (видны только вам)"
COL_FILE_NAME = "Файл"
COL_FILE_SIZE = "Размер"
COL_FILE_MADE = "Создан"
MY_FILES_EMPTY = "Файлов пока нет: выгрузите дневники или табели (клавиша E на главной)."
MY_FILES_HINT = (
    "Файлы удаляются сами через {days} дн. (в них персональные данные); бланки с паролями — "
    "через сутки или сразу после скачивания. Файлы для импорта загружайте в папку inbox/."
)
FETCH_WEB = "Скачать: Enter (файл придёт в браузер)."
FETCH_SCP = "Скачать на свой компьютер (в его командной строке): {command}"
FETCH_LOCAL = "Файл: {path}"
FETCH_SENT = "Файл «{name}» отправлен в браузер."
FETCH_INBOX = "Этот файл вы загрузили для импорта: откройте импорт (клавиша I на главной) и выберите его."
FILE_REMOVED = "Файл «{name}» удалён."
CONFIRM_REMOVE_FILE = "Удалить файл «{name}»? Вернуть его будет нельзя."
KEY_DOWNLOAD_WEEK = "Скачать неделю"
KEY_DOWNLOAD_CARD = "Табель"
DOWNLOAD_IN_BROWSER = "Скачать неделю или табель (PDF) можно, открыв дневник в браузере: {address}"

# the diary's week (tui/screens/diary.py)
KEY_OPEN_LESSON = "Урок полностью"
DIARY_PLANNED = "по расписанию"
DIARY_PLANNED_DETAIL = "Урок по расписанию: тема и задание появятся, когда учитель заполнит журнал."
DIARY_LESSON_TITLE = "{day}, {number} урок — {subject}"
DIARY_TOPIC = "Тема"
DIARY_HOMEWORK = "Домашнее задание"
DIARY_MARKS = "Отметки"
DIARY_ABSENCE = "Пропуск"
ABSENCE_WORDS = {
    "н": "н — отсутствовал(а)",
    "б": "б — болел(а)",
    "у": "у — по уважительной причине",
    "о": "о — опоздал(а)",
}

# F1 and the command palette (tui/help.py, tui/app.py)
KEY_HELP = "Справка"
KEY_CLOSE_HELP = "Закрыть справку"
KEY_PALETTE = "Команды"
HELP_TITLE = "Справка"
HELP_KEYS = "Клавиши этого экрана"
HELP_NO_KEYS = "  (на этом экране только общие клавиши)"
PALETTE_PLACEHOLDER = "Найти раздел или команду…"
CMD_HELP = "Справка"
CMD_HELP_HELP = "Клавиши и назначение этого экрана (F1)"
CMD_THEME = "Оформление"
CMD_THEME_HELP = "Сменить цветовую тему"
CMD_QUIT = "Выход"
CMD_QUIT_HELP = "Выйти из журнала (Ctrl+Q)"
CMD_MAXIMIZE = "Развернуть"
CMD_MAXIMIZE_HELP = "Развернуть таблицу или поле на весь экран"
CMD_MINIMIZE = "Свернуть"
CMD_MINIMIZE_HELP = "Вернуть обычный размер"
CMD_SCREENSHOT = "Снимок экрана"
CMD_SCREENSHOT_HELP = "Сохранить снимок экрана (SVG)"
CONFIRM_CLASH = "Всё равно записать урок с этим номером?"
KEY_SEARCH = "Поиск"
CREDENTIALS_SEARCH = "Поиск: фамилия, имя или логин (Esc — убрать поиск)"
LATER_ENTRIES = (
    "\nВнимание: после {day:%d.%m.%Y} у учащегося в этом классе отметок {marks}, пропусков {absences}. "
    "Они останутся в базе и в журнале изменений, но в журнале класса эти клетки станут «·» "
    "(вне времени учащегося в классе) и не войдут ни в средние, ни в отчёты. "
    "Если дата неверна — ответьте «нет» и исправьте её."
)

# the grid: a mark written later, when the store was busy, and then refused
WRITE_REFUSED_LATER = "Не записано ({name}): {reason}"
WRITES_FINISHING = "Дописываем отметки перед выходом…"

# the course's plan (КТП, tui/screens/plan.py)
KEY_PLAN = "КТП"
KEY_PLAN_READ = "Прочитать файл"
KEY_PLAN_WRITE = "Записать КТП"
PLAN_TITLE = "КТП (календарно-тематическое планирование): {course}"
PLAN_PATH_HINT = "или путь к файлу на этом компьютере"
PLAN_UPLOAD = "Файл КТП (xlsx, ods, csv) — в inbox со своего компьютера: {command}  (F4 — обновить список)"
PLAN_NONE = "КТП не загружен: выберите файл и нажмите F5 (столбцы «№ урока», «Тема урока», «Кол-во часов»)."
PLAN_NONE_READER = "КТП этого курса не загружен."
PLAN_SUMMARY = (
    "На {today:%d.%m.%Y}: часов в плане {hours}, пройдено {taken}, по плану к этому дню {planned}, "
    "отстаём на {behind} ч."
)
PLAN_REPORT_COLUMNS = ("№ ч", "Тема по плану", "План", "Урок", "Тема в журнале", "Состояние")
PLAN_SAME_TOPIC = "= по плану"
PLAN_PREVIEW_COLUMNS = ("Строка", "Урок плана", "Проверка")
PLAN_PREVIEW = (
    "В файле {topics} тем, {hours} ч; уроков в журнале {lessons}: темы получат {fill}, своя тема у {kept}."
)
PLAN_READY = " Ctrl+S — записать КТП."
PLAN_MORE = " (и ещё {count})"
PLAN_DONE = "КТП записан: {hours} ч, тем в уроки: {filled}."
CONFIRM_PLAN = (
    "Записать КТП ({hours} ч) в {course}? Пустые темы {fill} уроков заполнятся по плану; свои темы останутся."
)
CONFIRM_PLAN_REPLACES = " Прежний КТП ({count} ч) будет заменён."

# the school's teachers (tui/screens/teachers.py)
KEY_SCHOOL_TEACHERS = "Учителя школы"
TEACHERS_TITLE = "Учителя школы: ведение журнала {start:%d.%m}–{end:%d.%m.%Y}"
TEACHERS_COLUMNS = (
    "Учитель",
    "Курсов",
    "Ур",
    "Незак",
    "Доля",
    "Б/тем",
    "Б/дз",
    "Б/отм",
    "Позд",
    "Испр",
    "П/ит",
)
TEACHERS_HINT = (
    "Сверху — больше всего уроков, не закрытых в свой день (тема, д/з или «без д/з», посещаемость). "
    "Испр — исправления отметок после окна правки (с причиной), П/ит — из них после итоговой. "
    "Класс за классом — вид «Учителя» анализа."
)

# --- the district (issue 20) -----------------------------------------------------------------
DISTRICT_TITLE = "Школы района"
DISTRICT_HINT = (
    "Администратор района добавляет школы и их администраторов и смотрит отчёт района; "
    "журналы ведут сами школы. Ins — новая школа, R — новый пароль администратора, O — отчёт."
)
KEY_NEW_SCHOOL = "Новая школа"
KEY_RESET_SCHOOL_ADMIN = "Пароль админа"
KEY_DISTRICT_REPORT = "Отчёт района"
COL_SCHOOL_NO = "№"
COL_SCHOOL = "Школа"
COL_SCHOOL_ADMINS = "Администраторы"
NEW_SCHOOL_TITLE = "Новая школа района"
F_SCHOOL_NAME = "Название школы"
F_SCHOOL_ADMIN = "Логин администратора школы"
SCHOOL_ADDED = "Школа «{name}» добавлена: выдайте администратору логин и одноразовый пароль."
RESET_SCHOOL_ADMIN = (
    "Выдать новый одноразовый пароль администратору «{login}» школы «{school}»? Старый перестанет "
    "действовать, его открытые сеансы завершатся."
)
NO_SCHOOL_ADMIN = "У этой школы нет администратора: добавьте школу заново или обратитесь к разработчикам."
CHOOSE_SCHOOL_ADMIN_TITLE = "Новый пароль администратору школы «{school}»"
CHOOSE_SCHOOL_ADMIN = "Администратор"
DISTRICT_REPORT_TITLE = "Отчёт района: {period}, на {today:%d.%m.%Y}"
DISTRICT_REPORT_HINT = "1–4 — период года, 0 — текущий; E — выгрузить в xlsx (ваша папка)."
DISTRICT_REPORT_COUNTING = "Отчёт считается: школа за школой…"
DISTRICT_REPORT_PROGRESS = "Отчёт считается: школ прочитано {done} из {of}…"
DISTRICT_REPORT_WRITTEN = "Отчёт записан: {path}"
KEY_PERIOD_N = "Период"
KEY_PERIOD_NOW = "Текущий"
KEY_EXPORT_XLSX = "В xlsx"
DISTRICT_COLUMNS = ("Школа", "Кл", "N", "Усп%", "Кач%", "СОУ", "Ср.б", "Проп%", "Семьи%", "Незак%")
ALL_GRADES_LABEL = "все"
KEY_MOVE_SCHOOL = "В другую школу"
KEY_ARRIVALS = "Прибывшие"
NO_OTHER_SCHOOL = "В районе нет другой школы: перевод в другую школу невозможен (выбытие — D)."
MOVE_SCHOOL_TITLE = "Переход в другую школу района: {name}"
F_TO_SCHOOL = "В школу"
F_MOVE_DATE = "Первый день в новой школе"
CONFIRM_MOVE_SCHOOL = (
    "{name} переходит в «{school}» с {day:%d.%m.%Y}: выбывает из {class_name} накануне, история "
    "остаётся здесь; личное дело, представители, отметки текущего периода и итоговые за прошедшие "
    "периоды уходят в новую школу. "
    "Продолжить?"
)
MOVED_SCHOOL_DONE = "{name} переведён(а) в «{school}»."
MOVED_MARKS = "Отметок текущего периода передано в новую школу: {marks}."
ARRIVALS_TITLE = "Прибывшие из других школ района"
ARRIVALS_HINT = (
    "Enter — зачислить выбранного учащегося в {class_name}. Отметки периода из прежней школы учитываются, "
    "итоговые за прошедшие периоды года становятся итоговыми здесь (при тех же периодах)."
)
ARRIVALS_NONE = "Прибывших из других школ района нет."
ARRIVALS_COLUMNS = ("Учащийся", "Из школы", "Класс", "Выбыл", "Отметок", "Зачислен")
ARRIVAL_MARKS = "{marks} + {finals} итог."
KEY_ENROL = "Зачислить"
ENROL_TITLE = "Зачисление в {class_name}: {name}"
F_ENROL_DATE = "Дата зачисления"
ENROLLED_DONE = "{name} зачислен(а) в {class_name}."
