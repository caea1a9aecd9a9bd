window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1480000000000000001-1500000000000000077",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1480000000000000001",
            "reactions" : [],
            "urls" : [],
            "text" : "Abo-Nummer ist DT-4471-2290. Danke!",
            "mediaUrls" : [],
            "senderId" : "1500000000000000077",
            "id" : "1860100000000000003",
            "createdAt" : "2026-11-23T20:00:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1500000000000000077",
            "reactions" : [],
            "urls" : [],
            "text" : "Hallo! Schicken Sie uns bitte Ihre Abo-Nummer, dann klären wir das mit dem Abo-Service. ^MV",
            "mediaUrls" : [],
            "senderId" : "1480000000000000001",
            "id" : "1860100000000000002",
            "createdAt" : "2026-11-23T19:00:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1480000000000000001",
            "reactions" : [],
            "urls" : [],
            "text" : "Hallo, mein Deutschlandticket-Abo wurde im November doppelt abgebucht. An wen wende ich mich?",
            "mediaUrls" : [],
            "senderId" : "1500000000000000077",
            "id" : "1860100000000000001",
            "createdAt" : "2026-11-23T18:00:00.000Z",
            "editHistory" : []
          }
        }
      ]
    }
  },
  {
    "dmConversation" : {
      "conversationId" : "1480000000000000001-1500000000000000099",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1480000000000000001",
            "reactions" : [],
            "urls" : [],
            "text" : "Im RB 33 um 17:12 ab Pirna ist die Heizung kaputt, es ist eiskalt im Wagen.",
            "mediaUrls" : [],
            "senderId" : "1500000000000000099",
            "id" : "1860100000000000010",
            "createdAt" : "2026-11-24T15:30:00.000Z",
            "editHistory" : []
          }
        }
      ]
    }
  }
]
