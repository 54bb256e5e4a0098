"""F1 on every screen: what the screen is for (the duty of the regulation it serves) and every
key it answers to — also those the footer has no room for — read from the screen's own
bindings at that moment, so the help can never list a key that does nothing.

The texts are here, one per screen class, in Russian; a screen without one gets the general
lines. HelpScreen is a modal: Esc, F1 or Enter close it, ↑ ↓ PgUp PgDn scroll.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui import strings as S
from tui.widgets.footer import KeysFooter

GENERAL = (
    "Все действия — клавишами; буква работает в обеих раскладках (Ж и ; — одна клавиша). "
    "Ctrl+P — список разделов и команд, F2 — сменить пользователя, F12 — заблокировать экран, "
    "Ctrl+L — перерисовать экран, Ctrl+Q — выйти."
)

TEXTS = {
    "LoginScreen": "Вход в журнал: логин и пароль, выданные школой. Enter переходит к паролю и "
    "входит. После пяти неверных паролей подряд вход закрывается на время — это защита, "
    "а не поломка: подождите или попросите администратора разблокировать.",
    "ChangePasswordScreen": "Выданный пароль одноразовый: придумайте свой, не короче 8 знаков, "
    "и введите его дважды. Старый пароль перестанет действовать.",
    "LockScreen": "Экран заблокирован (F12 или после бездействия): введите свой пароль, чтобы "
    "продолжить, или F2 — войти другому пользователю.",
    "HomeScreen": "Главная: что требует регламент сейчас — уроки без отметок, пропуски без "
    "причины, анкеты, согласия, логины дневника, учителя с пробелами, анализ периода. "
    "У каждой строки — клавиша раздела, где это сделать. Администратору, пока школа не "
    "настроена, — список шагов настройки по порядку: цифра 1–7 открывает шаг.",
    "PlanScreen": "КТП курса: каждый час плана рядом с уроком на его месте — пройдено, впереди или "
    "отстаём (дата по плану прошла, а урока ещё не было). Загрузить КТП: файл xlsx, ods или csv со "
    "столбцами «№ урока», «Тема урока», «Кол-во часов» (и, если есть, «Домашнее задание», «Вид "
    "работы», «Дата по плану») — в inbox, затем F5: проверка каждой строки; Ctrl+S записывает план и "
    "заполняет пустые темы уроков по порядку дат, не трогая ваши. Отменённый урок сдвигает план. "
    "F9 — выгрузить план и пройденное.",
    "CoursePickerScreen": "Выбор журнала: ваши предметы и классы (сегодняшние уроки сверху). "
    "Enter — открыть журнал предмета; [ ] — журналы другого учебного года (закрытые периоды "
    "открываются только для чтения).",
    "GridScreen": "Журнал предмета: строки — ученики, столбцы — уроки. Цифра 1–5 ставит отметку "
    "и переводит курсор вниз; / или . после отметки добавляет вторую в ту же клетку; н б у о — "
    "пропуски; Del — стереть; Ctrl+Z — отменить. Ins — новый урок, F4 — тема и задание (из КТП, "
    "если он загружен; «-» — без д/з). Урок закрыт (√ в заголовке), когда у него есть тема, "
    "задание или «без д/з» и отмечена посещаемость: пропуски или В — «все присутствуют». "
    "F7 — КТП: план и пройденное, загрузка файла КТП. "
    "В последнем столбце — отметка за период; предложенная при отметках меньше минимума, пока "
    "период идёт, — лишь прогноз (A её не ставит). Отметку старше окна правки (настройка школы, 7 "
    "дней) исправляют с причиной — её увидят родители в дневнике. Отметка за период замораживает "
    "текущие отметки ученика за период; открыть их может администратор (Ctrl+O), а закрытый "
    "администратором период не меняется весь. "
    "Серая отметка ещё записывается (база занята другими "
    "учителями): она станет обычной, как только запишется; если её не примут, вернётся прежнее и "
    "внизу будет сказано почему.",
    "AttendanceScreen": "Посещаемость класса за день (классный руководитель): пропуски по урокам, "
    "отметка отсутствия на весь день, недельная сверка справок — уважительная причина; "
    "D — одна справка на несколько дней (все «н» учащегося с даты по дату, и через выходные).",
    "RosterScreen": "Список класса: личные дела, представители, согласия на обработку ПДн (R4), "
    "прибытие и выбытие учащихся, переводы.",
    "StudentCardScreen": "Личное дело учащегося: данные, представители, согласия, история классов.",
    "MissingConsentsScreen": "У кого нет согласия на обработку персональных данных: список к "
    "родительскому собранию (выгрузка — в «Мои файлы»).",
    "GuardiansScreen": "Представители учащегося: связать, изменить, отвязать. Общего для двух "
    "классов представителя изменяет администратор.",
    "CredentialsScreen": "Логины электронного дневника (R2, R3): выдать учащемуся или родителю, "
    "напечатать бланк с памяткой; / — поиск по фамилии, имени или логину. Пароль показывается один раз; бланк — PDF в «Мои файлы», "
    "удаляется после скачивания или через сутки.",
    "AccountsScreen": "Учётные записи сотрудников (администратор): создать, изменить роль, "
    "заблокировать, разблокировать, сбросить пароль. Изменение завершает открытые сеансы.",
    "ExportScreen": "Выгрузка: выписки из дневника (R8), табели (R10), анализ и отчёт к собранию, "
    "журнал предмета — xlsx, ods, csv или PDF для печати. Файл появится в «Мои файлы» (F2); "
    "там же — как его скачать.",
    "MyFilesScreen": "Мои файлы: что вы выгрузили и загрузили для импорта. Видны только вам; "
    "удаляются сами через срок, заданный школой. Enter — скачать (в браузере) или показать "
    "команду scp для своего компьютера.",
    "ImportScreen": "Импорт списка класса из таблицы (xlsx, ods, csv): выберите файл из inbox, "
    "F5 — проверить, Ctrl+S — записать все строки (или ни одной, если есть ошибки).",
    "SubgroupsScreen": "Подгруппы класса по предметам (иностранный язык, информатика, труд): "
    "кто в какой группе в каждом периоде.",
    "AnalysisScreen": "Анализ успеваемости и посещаемости класса за период (R11–R14): показатели, "
    "группа риска, контроль учителей, активность родителей. F9 — выгрузить. Вид «Учителя»: Ур — "
    "уроков, Б/отм — без отметок, Б/тем — без темы, Б/дз — без д/з и без «без д/з», Незак — не "
    "закрыт в свой день (тема, д/з, посещаемость), Позд — отметки, внесённые поздно, Отм/уч — "
    "отметок на ученика, Б/ит — нет итоговых (из нужных). Администратору там же T — учителя "
    "всей школы за те же даты.",
    "SchoolTeachersScreen": "Учителя школы (администратор, R14): у каждого учителя по всем его "
    "курсам — уроков, не закрытых в свой день (и их доля), без темы, без д/з, без отметок, "
    "поздних отметок. Сверху — кто больше всего отстаёт.",
    "SshKeysScreen": "Ключи SSH: вставьте строку открытого ключа (id_ed25519.pub), и вход по SSH "
    "не будет спрашивать пароль журнала.",
    "AuditLogScreen": "Журнал изменений: кто, когда и что изменил — отметки, пропуски, списки, "
    "учётные записи, выгрузки и скачивания файлов. F — отбор, Enter — запись целиком.",
    "SetupScreen": "Настройка школы (администратор): учебный год и периоды, классы, предметы, "
    "сотрудники, нагрузка, расписание, настройки школы. В «Год и периоды»: C — закрыть период "
    "(он замораживается целиком), A — архив года (журналы предметов и сводные ведомости в PDF и "
    "xlsx с манифестом) в «Мои файлы».",
    "DiaryScreen": "Дневник: неделя уроков с отметками, пропусками, темами и заданиями; будущие "
    "дни — уроки по расписанию. ← → — недели, Home — текущая, Enter — урок полностью, M — "
    "отметки за период, Tab — другой ребёнок. В браузере S — скачать неделю, T — табель (PDF). "
    "Родителю O — «Ознакомлен(а)» с неделей: классный руководитель увидит это. «Исправлено "
    "12.10: причина» у отметки — учитель изменил её позже окна правки и указал почему.",
}


def help_text(screen: Screen) -> str:
    return TEXTS.get(type(screen).__name__, "")


# Textual's own bindings, said in Russian; any other English one is left out
TEXTUAL_ACTIONS = {
    "focus_next": "Следующее поле",
    "focus_previous": "Предыдущее поле",
    "app.focus_next": "Следующее поле",
    "app.focus_previous": "Предыдущее поле",
    "screen.copy_text": "Копировать выделенный текст",
    "copy_text": "Копировать выделенный текст",
    "app.copy_text": "Копировать выделенный текст",
}


def _russian(binding: Binding) -> str:
    description = TEXTUAL_ACTIONS.get(binding.action, binding.description)
    if description and description.isascii():
        return ""
    return description


def key_lines(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what) for every binding the screen answers to now, its two layouts together."""
    app = screen.app
    seen: dict[tuple[str, str], list[str]] = {}
    for _key, (_node, binding, enabled, _tooltip) in screen.active_bindings.items():
        description = _russian(binding)
        if not description or not enabled:
            continue
        what = (binding.action, description)
        shown = app.get_key_display(binding)
        keys = seen.setdefault(what, [])
        if shown not in keys:
            keys.append(shown)
    return [(" / ".join(keys), description) for (_action, description), keys in seen.items()]


class HelpScreen(ModalScreen[None]):
    """The help of the screen below: its duty and all its keys."""

    BINDINGS = [
        Binding("escape,enter,q,й", "close", S.KEY_CLOSE, id="close", key_display="Esc"),
        Binding("f1", "close", S.KEY_CLOSE_HELP, id="close-help", key_display="F1", priority=True),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below
        lines = key_lines(below)
        width = max((len(k) for k, _ in lines), default=8)
        self.keys_text = "\n".join(f"  {k.ljust(width)}  {what}" for k, what in lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help-dialog"):
            yield Static(S.HELP_TITLE, classes="dialog-title")
            text = help_text(self.below)
            if text:
                yield Static(text, classes="dialog-text", markup=False)
            yield Static(S.HELP_KEYS, classes="dialog-subtitle")
            yield Static(self.keys_text or S.HELP_NO_KEYS, id="help-keys", markup=False)
            yield Static(GENERAL, classes="dialog-text", markup=False)
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)
