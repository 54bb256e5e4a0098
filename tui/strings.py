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
