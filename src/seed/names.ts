/** Name, address and contact vocabularies of the synthetic patients (all fictional combinations). */

/** Whitespace-separated words, `_` standing for a space inside a name; duplicates dropped. */
const words = (text: string): string[] => [...new Set(text.trim().split(/\s+/).map((w) => w.replace(/_/g, ' ')))];

export const MALE_FIRST_NAMES: readonly string[] = words(`
  James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark
  Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
  Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond
  Jack Dennis Jerry Tyler Aaron Henry Adam Nathan Zachary Peter Kyle Ethan Noah Liam Lucas Owen Caleb Isaac Elijah
  José Luis Carlos Juan Miguel Jorge Alejandro Diego Javier Mateo Santiago Andrés Rafael Fernando Ricardo Eduardo
  Pablo Sergio Manuel Francisco Emilio Joaquín
  Chinedu Emeka Oluwaseun Tunde Kwame Kofi Yaw Babajide Obinna Ikenna Chukwuemeka Femi Musa Abdi Tendai Themba
  Sipho Jabari Kamau Otieno Tesfaye Dawit Amadou Moussa Ibrahima Kojo
  Wei Jun Hao Ming Lei Jian Chen Tao Hiroshi Takeshi Kenji Haruto Ren Sota Min-jun Ji-ho Seo-jun Dong-hyun
  Minh Duc Huy Tuan Quang Bao
  Arjun Rohan Vikram Rahul Aditya Sanjay Rajesh Amit Karan Vivek Anil Suresh Ravi Nikhil Pranav Dev Imran Farhan
  Mohammed Ahmed Omar Ali Hassan Yusuf Khalid Tariq Karim Samir Bilal Hamza Mustafa Rami Ziad
  Dmitri Ivan Sergei Alexei Nikolai Pavel Andrei Mikhail Piotr Tomasz Jakub Marek Lukas Matteo Giovanni Marco
  Luca Alessandro Francesco Pierre Louis Antoine Hugo Étienne Lars Erik Anders Sven Olaf Finn Sean Liam Declan
  Cormac Aidan Eoin Rhys Gareth Malik Darnell Jamal Terrell Andre DeShawn Marcus Isaiah Elias Mateus Thiago
  Rafael Gabriel Paulo Joao Kai Koa Mana Jose_Maria Tevita Sione Aarav Vihaan Reyansh
`);

export const FEMALE_FIRST_NAMES: readonly string[] = words(`
  Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley
  Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
  Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
  Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn
  Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean
  Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie
  Brittany Charlotte Marie Kayla Alexis Lori Ava Mia Chloe Zoë Harper Aria Luna Ella Scarlett Nora Hazel
  Sofía Valentina Camila Lucía Ximena Daniela Gabriela Mariana Paula Carmen Rosa Guadalupe Alejandra Fernanda
  Isabel Elena Adriana Beatriz Inés Pilar
  Ngozi Chiamaka Adaeze Folasade Yetunde Amara Ifeoma Nneka Abena Akosua Ama Efua Wanjiru Achieng Nia Zawadi
  Amina Fatuma Halima Makena Thandiwe Nomvula Lindiwe Aisha Mariam Selam Hiwot Aminata Fatoumata
  Mei Li_Na Xiu Ying Jing Yan Hui Fang Yuki Sakura Aiko Haruka Yui Hana Ji-woo Seo-yeon Min-ji Soo-ah Eun-ji
  Linh Lan Mai Thu Trang Ngoc
  Priya Ananya Kavya Aditi Divya Pooja Neha Sunita Lakshmi Meera Deepa Anjali Shreya Riya Isha Sana Nadia
  Fatima Layla Noor Yasmin Zainab Salma Huda Leila Rania Samira Dalia Hala
  Olga Natalia Svetlana Irina Ekaterina Anastasia Tatiana Agnieszka Katarzyna Magdalena Zofia Giulia Francesca
  Chiara Martina Sofia Camille Léa Manon Chloé Inès Ingrid Astrid Freya Sigrid Siobhan Aoife Niamh Ciara Saoirse
  Keisha Tanisha Ebony Imani Aaliyah Jasmine Destiny Precious Ana_Lucia Larissa Beatriz Leilani Malia Ofa Mele
  Anika Saanvi Diya
`);

export const LAST_NAMES: readonly string[] = words(`
  Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White
  Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell
  Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
  Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders
  Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher
  Vasquez Simmons Graham Marshall Owens Harrison Gibson Wallace Hamilton Ellis Fletcher O'Brien O'Connor
  McCarthy Gallagher Doyle Byrne Kennedy Quinn Walsh MacDonald Campbell-Reid
  Garcia Martinez Rodriguez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Reyes
  Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza Castillo Jimenez Moreno Romero Herrera Medina
  Aguilar Vargas Castro Guzman Fernandez Munoz Salazar Delgado Soto Contreras Núñez Peña Figueroa Cabrera
  Okafor Okeke Adeyemi Balogun Nwosu Eze Obi Okonkwo Adebayo Oyelaran Mensah Owusu Boateng Asante Osei Appiah
  Kamau Mwangi Otieno Odhiambo Wanjiku Kariuki Njoroge Mutua Tesfaye Bekele Haile Girma Diallo Traoré Keita
  Touré Ndiaye Sow Dlamini Nkosi Khumalo Mokoena Moyo Banda Phiri Abdullahi Bello Musa
  Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Tanaka Suzuki Sato Takahashi
  Watanabe Ito Yamamoto Nakamura Kobayashi Kato Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Nguyen Tran Le Pham
  Hoang Phan Vu Dang Bui Do Ngo
  Patel Shah Sharma Singh Kumar Gupta Reddy Rao Iyer Nair Menon Pillai Mehta Desai Joshi Chatterjee Banerjee
  Mukherjee Das Bose Kapoor Malhotra Verma Chopra Agarwal Khan Hussain Chaudhry Qureshi Siddiqui Rahman Ahmed
  Hassan Ali Haddad Khoury Nasser Saleh Mansour Farah Aziz Haddadin Darwish Barakat Hamdan Sabbagh
  Ivanov Petrov Smirnov Kuznetsov Popov Volkov Sokolov Novak Kowalski Nowak Wiśniewski Wójcik Kowalczyk
  Dvořák Horvat Kovač Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
  Dubois Laurent Bernard Moreau Lefebvre Leroy Roux Fournier Girard Müller Schmidt Schneider Fischer Weber
  Meyer Wagner Becker Schulz Hoffmann Jansen De_Vries Van_Dijk Bakker Visser Andersen Nielsen Hansen Johansson
  Larsson Karlsson Lindqvist Eriksson Virtanen Korhonen Silva Santos Oliveira Souza Costa Pereira Almeida
  Carvalho Ferreira Rodrigues Kealoha Kahale Fonoti Tupou Fifita Begay Yazzie Tsosie Benally Cohen Levy
  Friedman Goldberg Katz Shapiro Rosenberg Yilmaz Kaya Demir Şahin Çelik Papadopoulos Georgiou Nikolaidis
`);

export const STREET_NAMES: readonly string[] = words(`
  Maple Oak Pine Cedar Elm Washington Lincoln Jefferson Madison Adams Park Lake Hill Sunset River Spring Church
  Main Highland Meadow Forest Willow Chestnut Walnut Cherry Magnolia Dogwood Birch Hickory Sycamore Lakeview
  Ridge Valley Prospect Franklin Central Mill Union Grove Pleasant Jackson Harrison Liberty Summit Orchard
  Riverside Fairview Woodland Beacon Harbor Garden Hawthorne Ashland Belmont Clinton Cambridge Dover Essex
`);

export const STREET_SUFFIXES: readonly string[] = ['St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Ct', 'Way', 'Pl', 'Ter'];

export interface Region {
  region: string;
  /** City and its ZIP code prefix (3 digits). */
  cities: readonly (readonly [string, string])[];
  areaCodes: readonly string[];
}

export const REGIONS: readonly Region[] = [
  {
    region: 'MA',
    cities: [['Boston', '021'], ['Cambridge', '021'], ['Somerville', '021'], ['Quincy', '021'], ['Newton', '024'],
      ['Brookline', '024'], ['Medford', '021'], ['Waltham', '024'], ['Malden', '021'], ['Lynn', '019'],
      ['Framingham', '017'], ['Worcester', '016']],
    areaCodes: ['617', '857', '781', '508'],
  },
  {
    region: 'IL',
    cities: [['Chicago', '606'], ['Evanston', '602'], ['Oak Park', '603'], ['Cicero', '608'], ['Berwyn', '604'],
      ['Skokie', '600'], ['Oak Lawn', '604'], ['Blue Island', '604'], ['Harvey', '604'], ['Calumet City', '604']],
    areaCodes: ['312', '773', '872', '708'],
  },
  {
    region: 'WA',
    cities: [['Seattle', '981'], ['Tacoma', '984'], ['Bellevue', '980'], ['Everett', '982'], ['Kent', '980'],
      ['Renton', '980'], ['Redmond', '980']],
    areaCodes: ['206', '253', '425'],
  },
  {
    region: 'TX',
    cities: [['Houston', '770'], ['Pasadena', '775'], ['Sugar Land', '774'], ['Pearland', '775'], ['Katy', '774'],
      ['Baytown', '775'], ['Conroe', '773']],
    areaCodes: ['713', '281', '832', '346'],
  },
  {
    region: 'GA',
    cities: [['Atlanta', '303'], ['Decatur', '300'], ['Marietta', '300'], ['Smyrna', '300'], ['Roswell', '300'],
      ['Sandy Springs', '303']],
    areaCodes: ['404', '470', '678', '770'],
  },
  {
    region: 'AZ',
    cities: [['Phoenix', '850'], ['Mesa', '852'], ['Tempe', '852'], ['Chandler', '852'], ['Scottsdale', '852'],
      ['Glendale', '853']],
    areaCodes: ['602', '480', '623'],
  },
];

export const INSURANCE_PROVIDERS: readonly string[] = [
  'Blue Cross Blue Shield', 'Aetna', 'UnitedHealthcare', 'Cigna', 'Humana', 'Kaiser Permanente', 'Medicare',
  'Medicaid', 'Anthem', 'Molina Healthcare', 'Centene', 'Oscar Health', 'Tricare',
];

export const LANGUAGES: readonly string[] = ['en', 'es', 'zh', 'vi', 'ar', 'fr', 'hi', 'ko', 'pt', 'ru', 'tl', 'sw', 'yo', 'pl'];
export const LANGUAGE_WEIGHTS: readonly number[] = [78, 9, 2, 1.5, 1.2, 1, 1, 0.8, 0.8, 0.8, 0.8, 0.5, 0.5, 0.4];

export const RELATIONSHIPS: readonly string[] = ['Spouse', 'Parent', 'Sibling', 'Child', 'Friend', 'Partner', 'Guardian', 'Grandparent'];

/** Lower-case ASCII for e-mail local parts: strips accents and anything but letters. */
export function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
