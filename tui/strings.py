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
