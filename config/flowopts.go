package config

import "github.com/ketanmu/ketanmu/flows"

// FlowOptions is what the resident flows need of the config.
func (c *Config) FlowOptions() flows.Options {
	o := flows.Options{
		Office: flows.Office{Name: c.Office.Name, ShortName: c.Office.ShortName, Address: c.Office.Address,
			RegencyCode: c.Office.RegencyCode, PickupCounter: c.Office.PickupCounter, Hours: c.Office.Hours,
			PostalPrefixes: c.Office.PostalPrefixes, PostalCodes: c.postalCodes(), ServiceHours: c.Office.ServiceHours,
			Fees: c.Office.Fees},
		Services: map[string]flows.Service{}, Documents: map[string]flows.Document{}, MenuOrder: ServiceKeys,
		Texts: c.Texts, Lists: c.Lists, Keywords: c.Keywords, Calendar: c.Office.Calendar,
		MaxMediaBytes: c.Storage.MaxMediaBytes, MinImageWidth: c.Flows.MinImageWidth,
		MinImageHeight: c.Flows.MinImageHeight, IdleTimeout: c.Flows.IdleTimeout, RetentionText: c.Retention.Text,
		Survey: c.surveyOptions(),
	}
	for _, a := range c.Accounts {
		o.Accounts = append(o.Accounts, a.Flow())
	}
	for key, s := range c.Services {
		fs := flows.Service{Name: s.Name, Documents: s.Documents, Profile: c.Profiles[s.Profile], Output: s.Output}
		for _, rd := range s.ReasonDocuments {
			if fs.ReasonDocuments == nil {
				fs.ReasonDocuments = map[string][]string{}
			}
			fs.ReasonDocuments[rd.Reason] = rd.Documents
		}
		for _, st := range s.Subtypes {
			fs.Subtypes = append(fs.Subtypes, flows.Subtype{Key: st.Key, Name: st.Name, Documents: st.Documents, Visit: st.Visit,
				Match: st.Match, Fields: st.Fields,
				Age: flows.AgeRule{Min: st.MinAge, Max: st.MaxAge, MarriedOK: st.MarriedOK, Instead: st.AgeInstead}, Output: st.Output})
		}
		o.Services[key] = fs
	}
	o.Fields = map[string]flows.Field{}
	for key, f := range c.Fields {
		o.Fields[key] = f.flowField()
	}
	for key, d := range c.Documents {
		o.Documents[key] = flows.Document{Name: d.Name, Aliases: d.Aliases, Note: d.Note}
	}
	return o
}

// Flow is the account as the flows see it.
func (a Account) Flow() flows.Account {
	return flows.Account{Key: a.Key, Phone: a.Phone, Services: a.Services}
}
