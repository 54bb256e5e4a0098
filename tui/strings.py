"""Every Russian string the app shows, in one place so the wording stays consistent."""

TITLE = "Электронный журнал"

# keys (footer descriptions)
KEY_QUIT = "Выход"
KEY_LOGIN = "Войти"
KEY_SWITCH_USER = "Сменить пользователя"
KEY_LOCK = "Заблокировать"
KEY_UNLOCK = "Разблокировать"
KEY_SAVE = "Сохранить"
KEY_PREV_WEEK = "Неделя назад"
KEY_NEXT_WEEK = "Вперёд"
KEY_THIS_WEEK = "Эта неделя"
KEY_CHILD = "Ребёнок"
KEY_MARKS = "Отметки/неделя"
KEY_WEEK = "Неделя"
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
UNLOCK_FAILED = "Пароль неверный."

# home
LAST_LOGIN = "Последний вход: {at:%d.%m.%Y %H:%M} с {source}"
FIRST_LOGIN = "Это ваш первый вход в журнал."
LOCAL_SOURCE = "этого компьютера"
HOME_HINT = "Разделы журнала открываются клавишами внизу экрана и через Ctrl+P."

# diary
DIARY_TITLE = "Дневник: {name}, {class_name}"
NO_CHILDREN = (
    "К вашей учётной записи не привязан ни один учащийся. Обратитесь к классному руководителю."
)
NO_LESSONS = "уроков нет"
WEEK_OF = "Неделя {start:%d.%m} – {end:%d.%m.%Y}"
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
    "Пароль показан один раз и нигде не хранится. Передайте его лично этому человеку; "
    "при первом входе он задаст свой."
)

# home and navigation
KEY_ACCOUNTS = "Учётные записи"
KEY_CREDENTIALS = "Реквизиты дневника"
KEY_CHANGE_PASSWORD = "Сменить пароль"
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
CONFIRM_REISSUE = (
    "У {person} уже есть логин {login}. Выдать новый пароль? Прежний перестанет действовать."
)
CONFIRM_ISSUE_ALL = "Выдать реквизиты {count} людям без логина и сохранить бланки в файл?"
NOBODY_WITHOUT = "У всех, кому можно, логин уже есть."
SLIPS_SAVED = "Бланки сохранены: {path}"
NO_CLASS = "У вас нет класса, где вы классный руководитель."
CONNECT_HINT = "ssh {{login}}@{host}"

# the journal grid
KEY_JOURNAL = "Журнал"
KEY_DETAIL = "Подробно"
KEY_CLEAR = "Очистить"
KEY_UNDO = "Отменить"
KEY_ADD_LESSON = "Урок"
KEY_EDIT_LESSON = "Тема/д.з."
KEY_DELETE_LESSON = "Удалить урок"
KEY_ACCEPT = "Принять итог"
KEY_ACCEPT_ALL = "Принять все итоги"
KEY_PERIOD_GRID = "Период"
KEY_OPEN = "Открыть"
NO_TOPIC = "тема не записана (F4)"
FINAL_HINT = (
    "Итог: 5–1, н — н/а, о — осв, з — зач, ч — незач, A — принять предложенную, Del — убрать."
)
NO_LESSONS_YET = "Уроков в этом периоде нет: Ins — добавить урок."
NO_PUPILS = "В этом курсе в этом периоде нет учащихся."
SECOND_NEEDS_FIRST = "Вторую отметку можно добавить к первой: сначала поставьте отметку."
SECOND_MARK = "Вторая отметка: нажмите цифру 1–5."
BAD_KEY = "Клавиша «{key}» ничего не значит: 1–5 отметка, н б у о пропуск, / вторая отметка, Enter — подробно."
BAD_FINAL_KEY = "Клавиша «{key}» не итоговая отметка: 5–1, н (н/а), о (осв), з (зач), ч (незач)."
NOTHING_TO_UNDO = "Отменять нечего."
UNDONE = "Отменено."
ACCEPTED = "Итоговая отметка: {value}."
ACCEPTED_ALL = "Выставлено итоговых отметок: {count}."
ALL_FINALS_SET = "Итоговые отметки уже выставлены всем."
CONFIRM_ACCEPT_ALL = "Выставить предложенные итоговые отметки {count} учащимся без итоговой?"
CONFIRM_DELETE_LESSON = "Удалить урок {date:%d.%m.%Y} №{number}? Урок с отметками удалить нельзя."
DETAIL_TITLE = "{name}, {date:%d.%m.%Y}"
ADD_LESSON_TITLE = "Новый урок"
EDIT_LESSON_TITLE = "Урок {date:%d.%m.%Y}"
F_MARKS = "Отметки (например 5 или 5/4)"
F_WORK_TYPE = "Вид работы"
F_COMMENT = "Комментарий"
F_ABSENCE = "Пропуск: н, б, у или о"
F_DOCUMENT = "Документ (для б и у)"
F_DATE = "Дата (ДД.ММ.ГГГГ)"
F_NUMBER = "Номер урока (пусто — следующий)"
F_TOPIC = "Тема урока"
F_HOMEWORK = "Домашнее задание"
PICK_COURSE = "Журнал: выберите класс и предмет (сначала ваши, с уроками сегодня — выше)"
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
ATTENDANCE_DAY_HINT = "Н/Б/У/О — пропуск в клетке, Del — снять, ! — весь день, [ ] — другой день"
ATTENDANCE_WEEK_HINT = "Б/У — весь день строки (болел/уважит.), Enter — один урок, ← → — неделя"
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
CELL_HAS_MARKS = (
    "В клетке есть отметка ({text}): убрать её может учитель предмета в журнале, не здесь."
)
CONFIRM_WHOLE_DAY = "{name}: поставить «н» на всех уроках дня {day:%d.%m.%Y}?"
WHOLE_DAY_DONE = "{name}: «н» поставлено на уроков: {count}."
WHOLE_DAY_WITH_MARKS = " С отметками (не тронуты): {lessons}."
WHOLE_DAY_EXCUSED = " Уже по уважительной причине: {lessons}."
NO_UNEXCUSED = "За эту неделю неуважительных пропусков нет."
EXCUSE_REASONS = {"б": "Болел", "у": "Уважительная причина"}
EXCUSE_TITLE = "{reason}: {name}, {day} — {lessons}"
F_DOCUMENT = "Документ: справка/заявление, номер, дата, кто принёс"
EXCUSED_DONE = "Исправлено пропусков: {count} (теперь «{code}»)."
PICK_TITLE = "{name}, {day}: какой урок исправить?"
PICK_HINT = "Б — болел, У — уважительная причина, Esc — отмена."
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")

# home: duties
KEY_ATTENDANCE = "Посещаемость"
EXCUSES_DUE = (
    "{class_name}: пропусков «н» старше недели без причины — {count}. Проверьте справки (A)."
)
