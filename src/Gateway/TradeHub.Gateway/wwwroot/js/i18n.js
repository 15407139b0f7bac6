// Labels in English, Russian and Chinese, and locale-aware formatting through Intl.
// A missing key falls back to English, then to the key itself, so a half-translated label never breaks the page.

const dictionaries = {
  en: {
    "map.zoomIn": "Zoom in", "map.zoomOut": "Zoom out", "map.zoomReset": "Show the whole network",
    "list.more": "Show more", "list.shown": "{n} shown",
    "app.title": "TradeHub",
    "common.skip": "Skip to content",
    "app.tagline": "SCO trade and logistics matching",
    "lang.label": "Language",
    "signin.title": "Sign in",
    "signin.organisation": "Organisation",
    "signin.role": "Role",
    "signin.submit": "Sign in",
    "signin.signout": "Sign out",
    "signin.as": "Signed in as {org} ({role})",
    "signin.dev": "Local development sign-in: the token comes from the gateway's dev issuer.",
    "signin.oidc": "Sign in with your organisation's identity provider",
    "signin.prompt": "Sign in to see your view of the corridor network.",
    "role.sme": "Shipper / trader (SME)",
    "role.carrier": "Carrier",
    "role.trade_office": "Trade office",
    "role.admin": "Operator (admin)",
    "map.title": "Corridor network",
    "map.loading": "Loading the network…",
    "map.failed": "The network could not be loaded: {message}",
    "legend.title": "Legend",
    "legend.city": "City",
    "legend.seaport": "Seaport",
    "legend.dryport": "Dry port",
    "legend.border": "Border crossing",
    "legend.rail": "Rail",
    "legend.road": "Road",
    "legend.sea": "Sea",
    "legend.ferry": "Ferry",
    "legend.disrupted": "Disrupted",
    "legend.route": "Selected route",
    "legend.flow": "Flow (width = containers)",
    "mode.rail": "Rail", "mode.road": "Road", "mode.sea": "Sea", "mode.ferry": "Ferry",
    "live.on": "Live",
    "live.off": "Offline – reconnecting",
    "common.refresh": "Refresh",
    "common.none": "Nothing yet.",
    "common.loading": "Loading…",
    "common.all": "All",
    "common.save": "Save",
    "common.error": "Something went wrong: {message}",
    "common.saved": "Saved.",
    "common.yes": "Yes", "common.no": "No",
    "common.id": "Id",
    "common.status": "Status",
    "common.actions": "Actions",
    "flows.title": "Matched flows",
    "flows.groupBy": "Group by",
    "group.corridor": "Corridor", "group.mode": "Mode", "group.hsChapter": "HS chapter", "group.month": "Month",
    "flows.city": "City",
    "flows.corridor": "Corridor",
    "flows.mode": "Mode",
    "flows.hsChapter": "HS chapter",
    "flows.since": "From",
    "flows.until": "Until",
    "flows.apply": "Apply filters",
    "flows.csv": "Download CSV",
    "flows.origin": "Origin", "flows.destination": "Destination",
    "flows.matches": "Matches", "flows.containers": "Containers", "flows.weight": "Weight (kg)",
    "flows.perMonth": "Containers per month",
    "flows.updated": "Flows updated {time}",
    "flows.empty": "No matched flows for these filters.",
    "sme.cargo.title": "Post a cargo offer",
    "sme.trade.title": "Post a trade offer",
    "sme.mine": "My cargo offers",
    "sme.open": "All open cargo offers",
    "field.origin": "Origin", "field.destination": "Destination",
    "field.readyDate": "Ready date", "field.deliverBy": "Deliver by",
    "field.containers.count": "Containers", "field.containers.type": "Container type",
    "field.weightKg": "Weight (kg)", "field.hsCode": "HS code", "field.description": "Description",
    "field.hazardous": "Hazardous goods", "field.targetPrice.amount": "Target price", "field.targetPrice.currency": "Currency",
    "field.side": "Side", "side.sell": "Sell", "side.buy": "Buy",
    "field.product": "Product", "field.quantity": "Quantity", "field.unit": "Unit",
    "field.unitPrice.amount": "Unit price", "field.unitPrice.currency": "Currency",
    "field.incoterm": "Incoterm", "field.city": "City", "field.validUntil": "Valid until",
    "field.from": "From", "field.to": "To", "field.mode": "Mode",
    "field.departureFrom": "Departure from", "field.departureTo": "Departure to",
    "field.pricePerContainer.amount": "Price per container", "field.pricePerContainer.currency": "Currency",
    "field.transitDays": "Transit days",
    "field.price.amount": "Price", "field.price.currency": "Currency",
    "field.routeId": "Route (optional)", "field.note": "Note",
    "field.nodeId": "Border crossing or node", "field.reason": "Reason", "field.legId": "or a single leg",
    "field.choose": "— choose —",
    "cargo.post": "Post cargo offer",
    "trade.post": "Post trade offer",
    "cargo.posted": "Cargo offer posted.",
    "trade.posted": "Trade offer posted.",
    "cargo.routes": "Routes",
    "cargo.bids": "Bids",
    "cargo.show": "Routes & bids",
    "cargo.pending": "Computing routes…",
    "cargo.noRoutes": "No route found.",
    "cargo.invalid": "Please correct the fields marked.",
    "route.option": "Option {n}",
    "route.time": "Time", "route.cost": "Cost", "route.co2": "CO₂", "route.distance": "Distance",
    "route.borders": "Borders", "route.gauge": "Gauge changes",
    "route.days": "{n} days",
    "route.show": "Show on map",
    "bid.carrier": "Carrier", "bid.price": "Price", "bid.transit": "Transit", "bid.award": "Award",
    "bid.awarded": "Awarded.",
    "bid.place": "Place bid",
    "bid.placed": "Bid placed.",
    "matches.title": "Matches",
    "matches.accept": "Accept", "matches.decline": "Decline",
    "matches.score": "Score", "matches.kind": "Kind",
    "carrier.open": "Open cargo offers",
    "carrier.nearLane": "on or near your lanes",
    "carrier.capacity.title": "Post capacity",
    "capacity.post": "Post capacity",
    "capacity.posted": "Capacity posted.",
    "carrier.bidOn": "Bid on {offer}",
    "carrier.lanes": "My lanes",
    "admin.title": "Network disruptions",
    "admin.close": "Close crossing",
    "admin.closed": "Crossing closed.",
    "admin.reopen": "Reopen",
    "admin.reopened": "Reopened.",
    "admin.active": "Active disruptions",
    "admin.affected": "Affected open cargo offers",
    "admin.events": "Route changes",
    "offer.lane": "Lane", "offer.ready": "Ready", "offer.containers": "Containers",
    "event.received": "{type} received",
  },
  ru: {
    "app.title": "TradeHub",
    "map.zoomIn": "Приблизить", "map.zoomOut": "Отдалить", "map.zoomReset": "Показать всю сеть",
    "list.more": "Показать ещё", "list.shown": "Показано: {n}",
    "app.tagline": "Торговля и логистика ШОС",
    "common.skip": "Перейти к содержимому",
    "lang.label": "Язык",
    "signin.title": "Вход",
    "signin.organisation": "Организация",
    "signin.role": "Роль",
    "signin.submit": "Войти",
    "signin.signout": "Выйти",
    "signin.as": "Вы вошли как {org} ({role})",
    "signin.dev": "Вход для локальной разработки: токен выдаёт dev-издатель шлюза.",
    "signin.oidc": "Войти через провайдера удостоверений вашей организации",
    "signin.prompt": "Войдите, чтобы увидеть свою часть сети коридоров.",
    "role.sme": "Грузоотправитель / торговец (МСП)",
    "role.carrier": "Перевозчик",
    "role.trade_office": "Торговое представительство",
    "role.admin": "Оператор (администратор)",
    "map.title": "Сеть коридоров",
    "map.loading": "Загрузка сети…",
    "map.failed": "Не удалось загрузить сеть: {message}",
    "legend.title": "Обозначения",
    "legend.city": "Город", "legend.seaport": "Морской порт", "legend.dryport": "Сухой порт",
    "legend.border": "Погранпереход",
    "legend.rail": "Ж/д", "legend.road": "Авто", "legend.sea": "Море", "legend.ferry": "Паром",
    "legend.disrupted": "Нарушено", "legend.route": "Выбранный маршрут",
    "legend.flow": "Поток (толщина = контейнеры)",
    "mode.rail": "Ж/д", "mode.road": "Авто", "mode.sea": "Море", "mode.ferry": "Паром",
    "live.on": "Онлайн", "live.off": "Нет связи – переподключение",
    "common.refresh": "Обновить", "common.none": "Пока ничего.", "common.loading": "Загрузка…",
    "common.all": "Все", "common.save": "Сохранить", "common.error": "Ошибка: {message}",
    "common.saved": "Сохранено.", "common.yes": "Да", "common.no": "Нет", "common.id": "Id",
    "common.status": "Статус", "common.actions": "Действия",
    "flows.title": "Согласованные потоки", "flows.groupBy": "Группировать по",
    "group.corridor": "Коридор", "group.mode": "Вид транспорта", "group.hsChapter": "Глава ТН ВЭД", "group.month": "Месяц",
    "flows.city": "Город", "flows.corridor": "Коридор", "flows.mode": "Вид транспорта", "flows.hsChapter": "Глава ТН ВЭД",
    "flows.since": "С", "flows.until": "По", "flows.apply": "Применить", "flows.csv": "Скачать CSV",
    "flows.origin": "Откуда", "flows.destination": "Куда", "flows.matches": "Сделки",
    "flows.containers": "Контейнеры", "flows.weight": "Вес (кг)",
    "flows.perMonth": "Контейнеры по месяцам", "flows.updated": "Потоки обновлены {time}",
    "flows.empty": "Нет потоков для этих фильтров.",
    "sme.cargo.title": "Разместить груз", "sme.trade.title": "Разместить торговое предложение",
    "sme.mine": "Мои грузы", "sme.open": "Все открытые грузы",
    "field.origin": "Откуда", "field.destination": "Куда", "field.readyDate": "Готов к отправке",
    "field.deliverBy": "Доставить до", "field.containers.count": "Контейнеры", "field.containers.type": "Тип контейнера",
    "field.weightKg": "Вес (кг)", "field.hsCode": "Код ТН ВЭД", "field.description": "Описание",
    "field.hazardous": "Опасный груз", "field.targetPrice.amount": "Целевая цена", "field.targetPrice.currency": "Валюта",
    "field.side": "Сторона", "side.sell": "Продажа", "side.buy": "Покупка",
    "field.product": "Товар", "field.quantity": "Количество", "field.unit": "Единица",
    "field.unitPrice.amount": "Цена за единицу", "field.unitPrice.currency": "Валюта",
    "field.incoterm": "Инкотермс", "field.city": "Город", "field.validUntil": "Действует до",
    "field.from": "Откуда", "field.to": "Куда", "field.mode": "Вид транспорта",
    "field.departureFrom": "Отправление с", "field.departureTo": "Отправление по",
    "field.pricePerContainer.amount": "Цена за контейнер", "field.pricePerContainer.currency": "Валюта",
    "field.transitDays": "Дней в пути", "field.price.amount": "Цена", "field.price.currency": "Валюта",
    "field.routeId": "Маршрут (необязательно)", "field.note": "Примечание",
    "field.nodeId": "Погранпереход или узел", "field.reason": "Причина", "field.legId": "или отдельный участок", "field.choose": "— выберите —",
    "cargo.post": "Разместить груз", "trade.post": "Разместить предложение",
    "cargo.posted": "Груз размещён.", "trade.posted": "Предложение размещено.",
    "cargo.routes": "Маршруты", "cargo.bids": "Ставки", "cargo.show": "Маршруты и ставки",
    "cargo.pending": "Расчёт маршрутов…", "cargo.noRoutes": "Маршрут не найден.",
    "cargo.invalid": "Исправьте отмеченные поля.",
    "route.option": "Вариант {n}", "route.time": "Время", "route.cost": "Стоимость", "route.co2": "CO₂",
    "route.distance": "Расстояние", "route.borders": "Границы", "route.gauge": "Смены колеи",
    "route.days": "{n} дн.", "route.show": "Показать на карте",
    "bid.carrier": "Перевозчик", "bid.price": "Цена", "bid.transit": "В пути", "bid.award": "Выбрать",
    "bid.awarded": "Ставка выбрана.", "bid.place": "Сделать ставку", "bid.placed": "Ставка сделана.",
    "matches.title": "Совпадения", "matches.accept": "Принять", "matches.decline": "Отклонить",
    "matches.score": "Оценка", "matches.kind": "Тип",
    "carrier.open": "Открытые грузы", "carrier.nearLane": "на ваших линиях или рядом",
    "carrier.capacity.title": "Разместить провозные мощности", "capacity.post": "Разместить мощности",
    "capacity.posted": "Мощности размещены.", "carrier.bidOn": "Ставка на {offer}", "carrier.lanes": "Мои линии",
    "admin.title": "Нарушения в сети", "admin.close": "Закрыть переход", "admin.closed": "Переход закрыт.",
    "admin.reopen": "Открыть", "admin.reopened": "Открыт.", "admin.active": "Действующие нарушения",
    "admin.affected": "Затронутые открытые грузы", "admin.events": "Изменения маршрутов",
    "offer.lane": "Направление", "offer.ready": "Готов", "offer.containers": "Контейнеры",
    "event.received": "Получено: {type}",
  },
  zh: {
    "app.title": "TradeHub",
    "map.zoomIn": "放大", "map.zoomOut": "缩小", "map.zoomReset": "显示整个网络",
    "list.more": "显示更多", "list.shown": "已显示 {n} 条",
    "app.tagline": "上合组织贸易与物流撮合",
    "common.skip": "跳到内容",
    "lang.label": "语言",
    "signin.title": "登录",
    "signin.organisation": "机构",
    "signin.role": "角色",
    "signin.submit": "登录",
    "signin.signout": "退出",
    "signin.as": "已登录：{org}（{role}）",
    "signin.dev": "本地开发登录：令牌由网关的开发签发器提供。",
    "signin.oidc": "通过贵机构的身份提供方登录",
    "signin.prompt": "登录后查看您在走廊网络中的视图。",
    "role.sme": "货主 / 贸易商（中小企业）",
    "role.carrier": "承运人",
    "role.trade_office": "商务局",
    "role.admin": "运营方（管理员）",
    "map.title": "走廊网络",
    "map.loading": "正在加载网络…",
    "map.failed": "无法加载网络：{message}",
    "legend.title": "图例",
    "legend.city": "城市", "legend.seaport": "海港", "legend.dryport": "陆港", "legend.border": "口岸",
    "legend.rail": "铁路", "legend.road": "公路", "legend.sea": "海运", "legend.ferry": "轮渡",
    "legend.disrupted": "中断", "legend.route": "所选线路", "legend.flow": "流量（宽度 = 集装箱数）",
    "mode.rail": "铁路", "mode.road": "公路", "mode.sea": "海运", "mode.ferry": "轮渡",
    "live.on": "实时", "live.off": "离线 – 正在重连",
    "common.refresh": "刷新", "common.none": "暂无。", "common.loading": "加载中…", "common.all": "全部",
    "common.save": "保存", "common.error": "出错了：{message}", "common.saved": "已保存。",
    "common.yes": "是", "common.no": "否", "common.id": "编号", "common.status": "状态", "common.actions": "操作",
    "flows.title": "已撮合流量", "flows.groupBy": "分组",
    "group.corridor": "走廊", "group.mode": "运输方式", "group.hsChapter": "HS 章", "group.month": "月份",
    "flows.city": "城市", "flows.corridor": "走廊", "flows.mode": "运输方式", "flows.hsChapter": "HS 章",
    "flows.since": "自", "flows.until": "至", "flows.apply": "应用筛选", "flows.csv": "下载 CSV",
    "flows.origin": "起点", "flows.destination": "终点", "flows.matches": "撮合数",
    "flows.containers": "集装箱", "flows.weight": "重量（千克）",
    "flows.perMonth": "每月集装箱数", "flows.updated": "流量更新于 {time}", "flows.empty": "该筛选条件下没有流量。",
    "sme.cargo.title": "发布货源", "sme.trade.title": "发布贸易报价", "sme.mine": "我的货源", "sme.open": "所有开放货源",
    "field.origin": "起点", "field.destination": "终点", "field.readyDate": "备货日期", "field.deliverBy": "最晚送达",
    "field.containers.count": "集装箱数", "field.containers.type": "箱型", "field.weightKg": "重量（千克）",
    "field.hsCode": "HS 编码", "field.description": "描述", "field.hazardous": "危险品",
    "field.targetPrice.amount": "目标价格", "field.targetPrice.currency": "币种",
    "field.side": "方向", "side.sell": "卖出", "side.buy": "买入",
    "field.product": "商品", "field.quantity": "数量", "field.unit": "单位",
    "field.unitPrice.amount": "单价", "field.unitPrice.currency": "币种",
    "field.incoterm": "贸易术语", "field.city": "城市", "field.validUntil": "有效期至",
    "field.from": "起点", "field.to": "终点", "field.mode": "运输方式",
    "field.departureFrom": "最早发车", "field.departureTo": "最晚发车",
    "field.pricePerContainer.amount": "每箱价格", "field.pricePerContainer.currency": "币种",
    "field.transitDays": "在途天数", "field.price.amount": "价格", "field.price.currency": "币种",
    "field.routeId": "线路（可选）", "field.note": "备注",
    "field.nodeId": "口岸或节点", "field.reason": "原因", "field.legId": "或单个路段", "field.choose": "— 请选择 —",
    "cargo.post": "发布货源", "trade.post": "发布报价", "cargo.posted": "货源已发布。", "trade.posted": "报价已发布。",
    "cargo.routes": "线路", "cargo.bids": "报价", "cargo.show": "线路与报价",
    "cargo.pending": "正在计算线路…", "cargo.noRoutes": "未找到线路。", "cargo.invalid": "请更正标出的字段。",
    "route.option": "方案 {n}", "route.time": "时间", "route.cost": "费用", "route.co2": "CO₂",
    "route.distance": "距离", "route.borders": "过境次数", "route.gauge": "换轨次数",
    "route.days": "{n} 天", "route.show": "在地图上显示",
    "bid.carrier": "承运人", "bid.price": "价格", "bid.transit": "在途", "bid.award": "授标",
    "bid.awarded": "已授标。", "bid.place": "投标", "bid.placed": "已投标。",
    "matches.title": "撮合", "matches.accept": "接受", "matches.decline": "拒绝",
    "matches.score": "评分", "matches.kind": "类型",
    "carrier.open": "开放货源", "carrier.nearLane": "在您的线路上或附近",
    "carrier.capacity.title": "发布运力", "capacity.post": "发布运力", "capacity.posted": "运力已发布。",
    "carrier.bidOn": "对 {offer} 投标", "carrier.lanes": "我的线路",
    "admin.title": "网络中断", "admin.close": "关闭口岸", "admin.closed": "口岸已关闭。",
    "admin.reopen": "重新开放", "admin.reopened": "已重新开放。", "admin.active": "当前中断",
    "admin.affected": "受影响的开放货源", "admin.events": "线路变化",
    "offer.lane": "线路", "offer.ready": "备货", "offer.containers": "集装箱",
    "event.received": "收到 {type}",
  },
};

/** Keys a language lacks compared with English (the browser tests require none). */
export function missingKeys(code) {
  return Object.keys(dictionaries.en).filter((k) => !(k in (dictionaries[code] || {})));
}

export const languages = [
  { code: "en", name: "English", locale: "en-GB" },
  { code: "ru", name: "Русский", locale: "ru-RU" },
  { code: "zh", name: "中文", locale: "zh-CN" },
];

let current = pickInitial();
const listeners = new Set();

function pickInitial() {
  const saved = localStorage.getItem("tradehub.lang");
  if (saved && dictionaries[saved]) return saved;
  const nav = (navigator.language || "en").slice(0, 2).toLowerCase();
  return dictionaries[nav] ? nav : "en";
}

export function lang() { return current; }
export function locale() { return languages.find((l) => l.code === current).locale; }

export function setLang(code) {
  if (!dictionaries[code] || code === current) return;
  current = code;
  localStorage.setItem("tradehub.lang", code);
  document.documentElement.lang = code;
  translateDom(document);
  for (const fn of listeners) fn(code);
}

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export function t(key, vars) {
  let s = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));
  return s;
}

/** Fills every element carrying data-i18n (text) or data-i18n-attr="attr:key" under root. */
export function translateDom(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}

export const fmt = {
  number(n, digits = 0) {
    if (n === null || n === undefined || Number.isNaN(Number(n))) return "–";
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
  },
  money(m) {
    if (!m || m.amount === undefined || m.amount === null) return "–";
    try {
      return new Intl.NumberFormat(locale(), { style: "currency", currency: m.currency || "USD", maximumFractionDigits: 0 }).format(m.amount);
    } catch {
      return `${fmt.number(m.amount)} ${m.currency}`;
    }
  },
  usd(amount) { return fmt.money({ amount, currency: "USD" }); },
  date(value) {
    if (!value) return "–";
    // A bare YYYY-MM-DD is a calendar date: format it in UTC so it does not shift a day west of Greenwich.
    const d = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(d);
  },
  month(value) {
    const d = /^\d{4}-\d{2}$/.test(value) ? new Date(`${value}-01T00:00:00Z`) : new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    return new Intl.DateTimeFormat(locale(), { year: "numeric", month: "short", timeZone: "UTC" }).format(d);
  },
  time(value) {
    return new Intl.DateTimeFormat(locale(), { timeStyle: "medium" }).format(value ? new Date(value) : new Date());
  },
  hours(h) {
    if (h === null || h === undefined) return "–";
    return h >= 48 ? t("route.days", { n: fmt.number(h / 24, 1) }) : `${fmt.number(h, 0)} h`;
  },
  km(n) { return `${fmt.number(n)} km`; },
  kg(n) { return `${fmt.number(n)} kg`; },
};

document.documentElement.lang = current;
