window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "social@elbtal-bahn.example",
      "createdVia" : "web",
      "username" : "ElbtalBahn",
      "accountId" : "1480000000000000001",
      "createdAt" : "2022-01-17T09:12:44.000Z",
      "accountDisplayName" : "Elbtal Bahn"
    }
  }
]
