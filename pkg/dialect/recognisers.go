package dialect

// Recognisers are the dialects, tried in this order: the servers with the
// most distinctive signs first.
var Recognisers = []Recogniser{
	{Name: "amazonworkmail", Detect: detectAmazonWorkMail},
	{Name: "receivingses", Detect: detectReceivingSES},
	{Name: "amazonses", Detect: detectAmazonSES, Recognise: amazonSES},
}
