package reason

// The server's wording, in two ordered tables. Classify tries every phrase
// of the first rule, then every phrase of the second, and so on; the first
// phrase found decides. Phrases are lowercase (see has for the '|' word
// bars) and are looked for in the diagnostic with URLs, addresses and host
// names blanked out (see plain). Each rule lists English first and then the
// other languages servers answer in.
//
// decisive holds wording specific enough to beat any status code: a server
// that says "over quota" under 5.1.1, or "too many recipients this hour"
// under 5.1.1, is believed over its code. secondary holds wording that only
// decides when the code has not (step 6 of Classify).

// A rule maps phrases to a reason.
type rule struct {
	reason  string
	phrases []string
	// stageBound marks the short user-unknown answers ("user unknown",
	// "no such user") that content filters also give after DATA: they
	// mean userunknown only at RCPT TO or under an X.1.x code, and
	// filtered otherwise (see Classify, step 4).
	stageBound bool
}

var decisive = []rule{
	// A sending service that did not send at all: the address is on its
	// suppression list (Amazon SES, SparkPost, Mailgun's "previously
	// bounced address"), whatever the bounce that put it there said.
	{reason: Suppressed, phrases: []string{
		"suppression list", "suppressed sending", "address was suppressed", "address is suppressed",
		"recipient is suppressed", "previously bounced address",
	}},
	// An address (the sender's) on a list, rather than a host or an IP.
	{reason: Rejected, phrases: []string{
		"address that has been blacklisted", "address has been blacklisted", "address is blacklisted",
		"address is on a blacklist", "address that has been blocklisted", "address has been blocklisted",
		"address is blocklisted", "sender is blacklisted", "sender blacklisted", "sender is blocklisted",
	}},
	// Named lists and listings. List names (spamhaus, sorbs, ...) are
	// found by findBlocklist in the full text, URLs included; these are
	// the generic words.
	{reason: Blocked, phrases: []string{
		"blacklist", "blocklist", "black list", "block list", "|rbl|", "|dnsbl",
		"blocked using", "listed by", "is listed at", "is listed on", "is listed in", "realtime blackhole",
		"rejected due to listing",
		"schwarze liste", "liste noire", "lista negra", "черный список", "黑名单", "ブラックリスト", "zwarte lijst",
	}},
	// A local program (pipe, procmail) failed, whatever it printed.
	{reason: MailerError, phrases: []string{
		"mailer error", "procmail", "command died with status", "command output:", "pipe to |",
		"mail for the user could not be delivered by the program", "x-unix;",
	}},
	// Duplicate or broken headers, said as such.
	{reason: NotCompliantRFC, phrases: []string{
		"multiple addresses in from", "duplicate header", "not rfc 5322", "not rfc5322", "rfc 5322 compliant",
		"rfc5322 compliant", "rfc 2822 compliant", "rfc2822 compliant", "not rfc compliant", "not rfc-compliant",
		"non-compliant with rfc", "not compliant with rfc", "must be rfc 5322", "missing a valid message-id",
	}},
	{reason: BadReputation, phrases: []string{
		"|reputation", "user complaints", "unexpected volume", "poor sending history",
		"réputation", "reputación", "reputação", "reputazione", "репутац", "信誉", "评级",
	}},
	// A sender's quota, not a mailbox's; too many bad recipients; and
	// greylisting, a deferral that the next attempt passes.
	{reason: RateLimited, phrases: []string{
		"sending quota", "sending limit", "daily sending", "hourly sending", "sent too many messages",
		"daily message quota", "maximum sending rate", "allowed number of messages",
		// A count of bad recipients, before "invalid recipient" reads it
		// as one unknown user.
		"too many invalid recipients", "too many bad recipients",
		"greylist", "graylist", "grey-list", "gray-list",
	}},
	{reason: MailboxFull, phrases: []string{
		"mailbox full", "mailbox is full", "mail box full", "mailbox has exceeded", "mailbox exceeded",
		"over quota", "over the quota", "overquota", "quota exceeded", "exceeded quota", "exceeds quota",
		"exceeded its quota", "quota full", "mailbox quota", "disk quota", "storage quota", "quota has been exceeded",
		"exceeded the storage", "storage allocation", "mailbox size limit",
		"mailbox is over", "mailbox exceeds", "mailfolder is full", "inbox is full", "account is full", "mailbox would exceed",
		"exceeds the maximum mailbox", "not enough space in", "no space left in", "mailbox has no space",
		"inbox is out of storage", "mailbox is out of storage", "account is out of storage",
		"exceeding their quota", "over the allowed quota", "quota violation", "full mailbox", "not enough disk space",
		"not enough storage space", "not sufficient disk space", "space has been used up", "too much mail data",
		"too many messages on the server", "mail file size exceeds", "does not have enough space",
		// ja
		"メールボックスがいっぱい", "容量オーバー", "容量を超え", "容量超過", "容量不足",
		// de
		"postfach voll", "postfach ist voll", "postfach überfüllt", "quota überschritten", "kontingent überschritten",
		"speicherplatz überschritten",
		// fr
		"boîte pleine", "boite pleine", "boîte aux lettres pleine", "boite aux lettres pleine", "boîte mail pleine",
		"quota dépassé", "quota depasse", "quota atteint",
		// es
		"buzón lleno", "buzon lleno", "buzón está lleno", "buzon esta lleno", "cuota excedida", "cuota superada",
		// pt
		"caixa postal cheia", "caixa de correio cheia", "caixa cheia", "cota excedida", "quota excedida",
		// ru
		"переполнен", "превышен размер ящика", "превышена квота", "превышен лимит ящика",
		// zh
		"邮箱已满", "信箱已满", "邮箱空间不足", "邮箱容量", "空间已满", "信箱已滿", "郵箱已滿", "信箱空間不足",
		// it
		"casella piena", "casella di posta piena", "quota superata", "spazio esaurito",
		// nl
		"mailbox vol|", "postvak vol|", "postbus vol|", "quotum overschreden",
		// pl, cs, sv, da and nb, fi, tr, ko
		"skrzynka jest pełna", "skrzynka pełna", "przekroczono limit skrzynki", "schránka je plná",
		"plná schránka", "brevlådan är full", "postlådan är full", "postkassen er fuld", "postkassen er full",
		"postilaatikko on täynnä", "posta kutusu dolu", "메일함이 가득", "사서함이 가득",
	}},
	{reason: EmailTooLarge, phrases: []string{
		"message too large", "message is too large", "message too big", "message is too big", "mail too large",
		"message exceeds", "exceeds the maximum size", "exceeds maximum size",
		"exceeds size limit", "exceeds the size limit", "size limit exceeded", "message size limit",
		"maximum message size", "message length exceeds", "message is larger than", "too large for",
		"size exceeds", "line limit exceeded",
		"maximum inbound message size", "max message size", "exceeded maximum size", "message file too big",
		"message was too big", "message was too large", "because it is too large", "size limit",
		// ja
		"サイズが大き", "サイズ制限", "サイズオーバー",
		// de
		"nachricht zu groß", "nachricht ist zu groß", "zu gross", "maximale nachrichtengröße", "größenbeschränkung",
		// fr
		"message trop volumineux", "message trop gros", "taille maximale", "taille limite du message",
		// es
		"mensaje demasiado grande", "tamaño máximo", "tamano maximo",
		// pt
		"mensagem muito grande", "mensagem excede", "tamanho máximo",
		// ru
		"слишком большой", "превышает максимальный размер", "размер письма",
		// zh
		"邮件过大", "邮件大小超过", "邮件太大",
		// it
		"messaggio troppo grande", "dimensione massima",
		// nl
		"bericht te groot", "bericht is te groot",
	}},
	{reason: Suspend, phrases: []string{
		"account disabled", "account has been disabled", "account is disabled", "mailbox disabled",
		"mailbox has been disabled", "mailbox is disabled", "address is disabled", "you tried to reach is disabled",
		"account suspended", "account has been suspended", "account is suspended", "mailbox suspended",
		"mailbox is suspended", "user suspended", "suspended account", "suspended mailbox", "inactive account",
		"account is inactive", "mailbox is inactive", "account inactive", "inactive mailbox", "inactive email address", "account deactivated",
		"account has been deactivated", "mailbox deactivated", "account expired", "account has expired",
		"mailbox is frozen", "mailbox frozen", "account is frozen", "account is locked", "account has been locked",
		"account locked", "temporarily locked", "temporary locked", "account is blocked", "account blocked", "account has been blocked", "mailbox is blocked",
		"is no longer active", "mailbox unavailable due to inactivity", "account has been terminated",
		"no longer accepts mail", "no longer accepting mail",
		"inactive user", "deactivated mailbox", "user is terminated", "currently suspended", "has been temporarily suspended",
		"temporarily inactive", "suspend the service", "or domain is disabled",
		// ja
		"利用停止", "停止中", "休止中", "無効になって",
		// de
		"konto gesperrt", "konto ist gesperrt", "postfach gesperrt", "postfach ist gesperrt", "konto deaktiviert",
		"postfach deaktiviert",
		// fr
		"compte désactivé", "compte desactive", "compte bloqué", "compte bloque", "compte suspendu",
		"compte du destinataire est bloqu", "boîte désactivée", "boite desactivee",
		// es
		"cuenta desactivada", "cuenta suspendida", "cuenta bloqueada", "cuenta deshabilitada", "buzón desactivado",
		// pt
		"conta desativada", "conta suspensa", "conta bloqueada", "conta desabilitada",
		// ru
		"ящик заблокирован", "учетная запись заблокирована", "аккаунт заблокирован", "ящик отключен",
		// zh
		"帐户被冻结", "账户被冻结", "账号被冻结", "已被冻结", "已停用", "帐户已禁用", "账户已禁用",
		// it
		"account disabilitato", "casella disabilitata", "account sospeso", "casella sospesa",
		// nl
		"account geblokkeerd", "account uitgeschakeld", "mailbox uitgeschakeld",
	}},
	{reason: HasMoved, phrases: []string{
		"has moved", "has been moved", "address has changed", "no longer on server",
		"not local; please try", "user not local, please try", "now receives mail at",
	}},
	{reason: NoRelaying, phrases: []string{
		"relay access denied", "relaying denied", "relay denied", "relay not permitted", "relaying not permitted",
		"not permitted to relay", "unable to relay", "we do not relay", "relaying not allowed", "relay not allowed",
		"not allowed to relay", "insecure mail relay", "not configured to relay", "cannot relay", "can't relay",
		"relaying mail to", "relay prohibited", "relaying prohibited", "relaying is prohibited", "no relaying", "relaying disallowed", "relay disallowed",
		"not a gateway", "relay is not allowed", "relaying is not allowed", "email address is not verified",
		"allowed rcpthosts", "non-local e-mail address", "non-local email address", "we don't handle mail for",
		"relais refusé", "relais non autorisé", "relaying nicht erlaubt", "relay nicht erlaubt",
		"reenvío denegado", "retransmisión denegada", "relay negado", "中継拒否", "不允许转发",
	}},
	{reason: AuthFailure, phrases: []string{
		"|dmarc", "|dkim", "spf check", "spf fail", "spf=fail", "spf softfail", "spf hardfail", "spf validation",
		"spf verification", "failed spf", "fails spf", "failed the spf", "spf: fail", "sender policy framework",
		"authentication checks", "unauthenticated email",
		"is unauthenticated", "not pass authentication", "fails to pass authentication", "does not designate",
		"not designated as permitted sender", "sender id check", "arc validation", "doesn't meet the required authentication",
		"does not meet the required authentication", "bad spf",
	}},
	// What content filters answer: the recipient's own rules.
	{reason: Filtered, phrases: []string{
		"recipient preferences", "user refuses", "refuses to receive", "refused to receive", "message filtered",
		"blocked by the recipient", "blocked by recipient", "rejected by the recipient's", "rejected by recipient's",
		"you have been blocked by", "recipient has blocked", "only accepting mail from", "only accepts mail from",
		"user rules", "this account is protected by", "has restricted sms e-mail",
		"not authorized to send to this recipient",
		"not accepting any mail", "new mail is not currently being accepted", "user reject", "refuse to receive",
		"受信拒否", "受信を拒否", "拒收", "拒绝接收",
	}},
	{reason: RequirePTR, phrases: []string{
		"reverse dns", "reverse-dns", "reverse lookup", "reverse hostname", "ptr record", "no ptr", "|rdns",
		"|ptr|", "unverifyable sending ip", "unverifiable sending ip", "cannot find your hostname",
		"client host name is unknown", "forward-confirmed", "fcrdns", "does not resolve to your ip",
		"ip name lookup failed", "forward dns entry", "unresolvable relay host",
		"résolution inverse", "逆引き",
	}},
	// The envelope sender or its domain was refused.
	{reason: Rejected, phrases: []string{
		"sender address rejected", "sender rejected", "sender was rejected", "rejected sender", "domain of sender",
		"sender verify failed", "sender verification failed", "sender domain", "sender address is invalid",
		"invalid sender", "unknown sender", "sender unknown", "bad sender", "sender not allowed",
		"sender is not allowed", "sender denied", "sender blocked", "from: domain is invalid",
		"provide a valid from", "address verification failed", "envelope sender", "mail from address",
		"sender address is not", "your address is not allowed", "sender is not valid",
		"purported responsible address", "'send mail as'", "send mail as feature", "not a member of", "you are not a member",
		"batv", "backscatter protection", "bogus mail from", "valid-address-filter", "senderfilterconfig", "badmailfrom",
		"no third-party dsns", "unsigned dsn", "fully qualified email address required", "registered gateway user",
		"mail from not owned", "returned mail not accepted", "rfc 1035 violation", "sender e-mail address rejected",
		"sender email address rejected", "sender not pre-approved", "unroutable sender", "unrouteable sender",
		"not allowed to post",
		// A list or group that does not take the sender's posts.
		"permission to post", "投稿する権限", "berechtigungen haben, um der gruppe", "permisos necesarios para publicar",
		"autorisé à lui envoyer", "張貼留言的權限", "发帖的权限", "غير مصرح لك بإرسال", "δικαίωμα ανάρτησης", "אישור לפרסם",
		"पोस्ट करने की अनुमति",
		"absender abgelehnt", "absenderadresse", "ungültiger absender",
		"expéditeur refusé", "expediteur refuse", "expéditeur rejeté", "expéditeur invalide", "émetteur invalide", "emetteur invalide",
		"remitente rechazado", "remitente no válido", "remetente rejeitado", "remetente inválido",
		"отправитель отклонен", "недопустимый отправитель", "发件人被拒绝",
	}},
	// A domain that has said it takes no mail (null MX, RFC 7505).
	{reason: NotAccept, phrases: []string{
		"null mx", "does not accept mail", "doesn't accept mail", "does not receive email", "doesn't receive email",
		"does not accept email", "doesn't accept email", "accepts no mail", "no mx found", "no mx record",
		"couldn't find a mail exchanger", "could not find a mail exchanger", "no mail exchanger",
		"indicated no smtp service",
	}},
	// The sender's server gave up once the message had waited out its
	// queue time, whatever error it met last ("Host not found, try again").
	{reason: Expired, phrases: []string{
		"within the allowed queue period", "retry timeout exceeded", "queue lifetime", "maximum queue time",
		"maximum time for delivery expired",
	}},
	// A DNS answer that may change: "try again".
	{reason: NetworkError, phrases: []string{
		"not found, try again", "temporary lookup failure", "servfail", "dns temporarily",
	}},
	{reason: HostUnknown, phrases: []string{
		"host unknown", "unknown host", "host not found", "domain not found", "no such domain", "unrouteable address",
		"unroutable address", "unrouteable domain", "unroutable domain", "unrouteable mail domain", "unroutable mail domain", "domain does not exist",
		"domain doesn't exist", "nxdomain", "name or service not known",
		"domain is not reachable", "domain name not found", "no such host", "unknown domain", "domain unknown",
		"invalid domain", "bad destination system", "domain could not be found", "domain couldn't be found",
		"hostname not found", "couldn't find any host", "could not find any host", "non-existent host",
		"non-existent domain", "nonexistent domain", "domain name does not exist",
		"could not be found in domain name service", "could not be found in dns", "destination server for this recipient could not be found", "domain must exist",
		"illegal host/domain name", "host or domain name not found",
		"domaine inexistant", "domaine inconnu", "domain existiert nicht", "dominio inexistente",
		"dominio no existe", "domínio não existe", "домен не существует", "域名不存在", "ドメインが存在しません",
	}},
	// The mailbox or the account does not exist, said plainly.
	{reason: UserUnknown, phrases: []string{
		"invalid recipient", "recipient unknown", "unknown recipient", "no such recipient", "recipient not found",
		"recipient does not exist", "recipient doesn't exist", "address does not exist", "address doesn't exist",
		"address couldn't be found", "address could not be found", "mailbox does not exist", "mailbox doesn't exist",
		"mailbox not found", "no mailbox", "no such mailbox", "mailbox unavailable", "invalid mailbox",
		"unknown mailbox", "mailbox unknown", "not a valid mailbox", "mailbox is unavailable", "account does not exist",
		"account doesn't exist", "no such account", "addressee unknown", "bad destination mailbox",
		"no such address", "address unknown", "invalid final delivery userid",
		"mailbox invalid", "mailbox not present", "no mail box", "not an active address", "no account by that name",
		"no one at this address", "not a valid recipient", "not a valid user", "recipnotfound", "recipient notfound",
		"badrcptto", "badrecipientto", "validrcptto", "email name is not found", "wrong or no longer valid",
		"addresses were unknown", "unknown virtual user", "non-existent recipient", "nonexistent recipient",
		"non-existent user", "nonexistent user", "non-existent mailbox", "nonexistent mailbox", "non-existent account",
		"not a valid e-mail address", "not a valid email address", "address is not valid", "mailbox name not allowed",
		"not listed in domino", "not listed in public name", "recipient address is invalid", "address rejected: access denied",
		// X.400 gateways: the originator/recipient (O/R) name is unknown.
		"unrecognised o/r name", "unrecognized o/r name", "unrecognised-or-name", "unrecognized-or-name",
		"unknown o/r name", "o/r name unknown", "invalid o/r name",
		// ja
		"宛先不明", "存在しないアドレス", "アドレスが存在しません", "そのようなユーザーはいません", "該当するユーザ",
		"見つかりません",
		// de
		"empfänger unbekannt", "unbekannter empfänger", "ungültiger empfänger", "empfängeradresse ungültig",
		"postfach existiert nicht", "adresse existiert nicht", "kein postfach",
		// fr
		"destinataire inconnu", "destinataire invalide", "adresse inconnue",
		"adresse invalide", "boîte aux lettres inexistante", "boite aux lettres inexistante", "compte inexistant",
		// es
		"destinatario desconocido", "destinatario no válido", "destinatario no existe", "buzón no existe",
		"buzon no existe", "dirección no existe", "cuenta no existe",
		// pt
		"destinatário desconhecido", "destinatario desconhecido", "destinatário inválido", "conta não existe",
		"caixa postal não existe", "endereço não existe",
		// ru
		"нет такого ящика", "ящик не существует", "адрес не существует", "неизвестный получатель",
		"получатель не найден", "адресат не найден",
		// zh
		"收件人不存在", "邮箱不存在", "地址不存在", "帐户不存在", "账户不存在", "收件人地址无效", "收件者不存在",
		"信箱不存在", "帳號不存在", "帳戶不存在",
		// it
		"destinatario sconosciuto", "destinatario non valido", "casella inesistente", "indirizzo inesistente", "destinatario inesistente",
		"nessun utente",
		// nl
		"onbekende ontvanger", "ontvanger onbekend", "ongeldige ontvanger", "adres bestaat niet",
		// pl, cs, sv, da and nb, fi, tr, ko
		"nieznany odbiorca", "adres nie istnieje", "skrzynka nie istnieje", "neznámý příjemce",
		"adresa neexistuje", "okänd mottagare", "mottagaren finns inte", "ukendt modtager", "ukjent mottaker",
		"tuntematon vastaanottaja", "bilinmeyen alıcı", "alıcı bulunamadı", "받는 사람을 찾을 수 없",
		"존재하지 않는 메일",
	}},
	// The short answers filters give too: stage-bound (see rule).
	{reason: UserUnknown, stageBound: true, phrases: []string{
		"user unknown", "unknown user", "no such user", "user not found",
		"user not exist", "user is unknown", "unknown local part", "invalid user", "user doesn't have a",
		"does not exist", "doesn't exist", "invalid address", "no such person", "unknown or illegal alias",
		"is not a known user", "user not known", "no user here by that name", "recipient not ok", "refuses to accept your mail",
		"envelope recipient has been denied",
		// ja
		"存在しません",
		// de
		"benutzer unbekannt", "unbekannter benutzer", "existiert nicht", "nicht vorhanden",
		// fr
		"utilisateur inconnu", "n'existe pas",
		// es
		"usuario desconocido", "no existe",
		// pt
		"usuário desconhecido", "usuario desconhecido", "não existe", "nao existe",
		// ru
		"пользователь не найден", "нет такого пользователя", "не существует",
		// zh
		"不存在",
		// it
		"utente sconosciuto", "utente inesistente", "non esiste",
		// nl
		"gebruiker onbekend", "onbekende gebruiker", "bestaat niet",
	}},
	{reason: ContentError, phrases: []string{
		"improper use of 8-bit", "8-bit data", "8bit data", "invalid mime", "malformed mime", "mime error",
		"mime structure", "bad mime", "illegal character", "invalid character", "attachment type",
		"file type not allowed", "attachments are not allowed", "line too long",
		"improperly-formatted", "mime complexity", "unnecessary base64",
	}},
	{reason: VirusDetected, phrases: []string{
		"|virus", "malware", "infected", "trojan", "malicious attachment", "ウイルス", "病毒", "вирус",
	}},
	{reason: RateLimited, phrases: []string{
		"too many connections", "too many concurrent", "too many simultaneous", "too many sessions", "rate limit",
		"rate-limit", "ratelimit", "frequency limited", "throttl", "sending rate", "message rate", "connection rate",
		"exceeded the rate", "too many messages", "too many mails", "too many emails", "too many recipients",
		"too fast", "slow down", "daily limit", "hourly limit",
		"recipient limit exceeded", "message limit exceeded",
		"receiving mail at a rate", "max connections", "connection limit", "too many smtp sessions", "try again slower",
		"at a rate that prevents",
		"zu viele verbindungen", "zu viele nachrichten", "trop de connexions", "trop de messages",
		"demasiadas conexiones", "demasiados mensajes", "muitas conexões", "слишком много", "发送频率", "频率过高",
		"送信制限",
	}},
	// A sending IP or host refused for what it is (not for a listing):
	// dynamic ranges, hosts that are not mail servers, banned IPs.
	{reason: Blocked, phrases: []string{
		"client host rejected", "client host blocked", "banned sending ip", "ip blocked", "ip address blocked",
		"ip address has been blocked", "ip has been blocked", "blocked ip", "your ip", "use the smtp server of your isp",
		"isp's smtp", "isp smtp server", "dynamic ip", "dynamic address", "dynamically assigned", "dial-up", "dialup",
		"residential", "open relay", "refused to talk to me", "service refuse",
		"not accepting connections", "invalid ip for sending", "no access from mail server", "host is not allowed",
		"not allowed to connect", "connection not allowed", "blocked for spamming", "blocked for abuse",
		"not authorized to send email directly", "smtp relay at your service provider",
		"open proxy", "ip address rejected", "bad ip profile", "connections will not be accepted from",
		"unwanted messages have been sent from", "|blackhole",
		"adresse ip source bloquee", "adresse ip bloquée", "ip bloqueada", "ip gesperrt",
	}},
	{reason: SpamDetected, phrases: []string{
		"|spam", "antispam", "junk mail", "|ube|", "unsolicited", "bulk mail", "content rejected",
		"message rejected as bulk", "classified as bulk", "looks like bulk", "suspicious content",
		"bulk email", "unacceptable content", "mail content denied", "rejecting mail content",
		"recurrent pattern detection", "message scored",
		"迷惑メール", "スパム", "垃圾郵件", "spamverdacht", "pourriel", "indésirable", "no deseado", "indesejad", "спам", "垃圾邮件",
		"indesiderat", "ongewenst",
	}},
}

// secondary wording decides only when no code with one meaning did.
var secondary = []rule{
	{reason: PolicyViolation, phrases: []string{
		"policy reasons", "policy violation", "violates", "violation of",
		"potential security issue", "header error", "protocol violation", "host network not allowed",
		"prohibited", "|policy", "policies", "illegal attachment", "organizational settings", "organisational settings",
		"richtlinie", "politique", "política", "politica", "политик", "策略", "ポリシー",
	}},
	{reason: SecurityError, phrases: []string{
		"authentication required", "authentication is required", "must authenticate",
		"unauthenticated senders", "not authenticated", "authentication failed", "smtp auth", "please authenticate", "delivery not authorized",
		"tls required", "encryption required", "must issue a starttls",
		"authentication failure", "credentials invalid", "invalid credentials",
	}},
	// Blocked, said without saying why.
	{reason: Blocked, phrases: []string{
		"|blocked", "|block|", "bloqu", "blockiert", "gesperrt", "bloccato", "заблокирован",
		"拦截", "ブロック",
	}},
	{reason: FailedSTARTTLS, phrases: []string{
		"starttls", "does not support tls", "tls negotiation", "tls handshake", "ssl handshake", "tls connection failed",
	}},
	{reason: SystemFull, phrases: []string{
		"insufficient disk space", "system storage", "disk full", "out of disk",
		"no space left on device", "mail system full",
	}},
	// The sender's server gave up: the message's time in the queue is up.
	{reason: Expired, phrases: []string{
		"retry timeout exceeded", "retry time not reached", "too long in queue", "in the queue too long",
		"message expired", "delivery time expired", "delivery expired", "expired after", "unable to deliver in",
		"could not be delivered within", "within the allowed queue period", "failing for a long time",
		"queue lifetime", "maximum queue time", "envelope expired", "not going to try again", "not delivered within",
		"after multiple retries", "after repeated attempts", "retry period expired",
		"could not find a gateway",
	}},
	{reason: NetworkError, phrases: []string{
		"mail loop", "too many hops", "routing loop", "hop count exceeded", "loops back to myself", "message looping",
		"forwarding loop", "lost connection", "connection reset", "connection dropped", "network is unreachable",
		"network is down", "no route to host", "host is unreachable", "name server", "name service", "dns error", "dns lookup",
		"lookup failure", "could not connect", "unable to connect", "connection refused",
		"couldn't connect", "failed to connect", "wasn't able to establish", "unable to resolve route",
		"dns records for the destination",
	}},
	// A connection that never came about, or timed out, reported once
	// the sender gave up.
	{reason: Expired, phrases: []string{
		"could not be delivered for", "could not deliver for", "did not accept our requests to connect", "timed out",
		"timeout", "not responding", "host not reachable", "host is not reachable",
		"no answer from host", "zeitüberschreitung", "délai dépassé", "tiempo de espera", "超时", "タイムアウト",
	}},
	{reason: SystemError, phrases: []string{
		"system error", "internal error", "local error", "server error", "could not load", "ldap", "database error",
		"configuration error", "misconfigur", "config error", "interrupted system call", "queue file write error",
		"can't create user output file", "temporarily unavailable", "system problem", "service currently unavailable", "service unavailable",
		"systemfehler", "erreur système", "error del sistema", "системная ошибка", "系统错误", "システムエラー",
	}},
	{reason: SyntaxError, phrases: []string{
		"syntax error", "command unrecognized", "unrecognized command", "bad sequence of commands",
		"command not implemented", "command not recognized",
	}},
	{reason: OnHold, phrases: []string{"on hold"}},
	// A refusal of the recipient with no reason given (Postfix's RCPT TO
	// refusal; "no valid recipients" when nothing else was said).
	{reason: UserUnknown, phrases: []string{"recipient address rejected", "no valid recipients",
		"check if address is correct", "check if the address is correct"}},
}

// The tables' matchers, built once.
var (
	decisiveMatcher  = newMatcher(decisive)
	secondaryMatcher = newMatcher(secondary)
)
